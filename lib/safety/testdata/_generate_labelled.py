# Generates labelled.jsonl (fixed seed, fake values): python3 lib/safety/testdata/_generate_labelled.py
import json, random, string, base64, urllib.parse
R = random.Random(20)
A = string.ascii_letters + string.digits
def rnd(n, alphabet=A): return ''.join(R.choice(alphabet) for _ in range(n))
UP = string.ascii_uppercase + string.digits
HEX = '0123456789abcdef'
B64 = A + '+/'
rows = []
def pos(kind, text, secret, source): rows.append({"kind": kind, "label": "positive", "text": text, "secret": secret, "source": source})
def neg(kind, text, source): rows.append({"kind": kind, "label": "negative", "text": text, "source": source})
def luhn_ok(d):
    s = 0
    for i, c in enumerate(reversed(d)):
        x = int(c)
        if i % 2: x = x * 2 - 9 if x * 2 > 9 else x * 2
        s += x
    return s % 10 == 0
DS, GL, SL, CD = "detect-secrets tests (modelled)", "gitleaks rule tests (modelled)", "secretlint rule fixtures (modelled)", "codex"
PR = "PII detector test data (modelled)"
# AWS
k = "AKIA" + rnd(16, UP); pos("aws-access-key", f"aws_access_key_id = {k}", k, GL)
k = "ASIA" + rnd(16, UP); pos("aws-access-key", f'"AccessKeyId": "{k}",', k, GL)
pos("aws-access-key", "AKIAZZZZZZZZZZZZZZZZ", "AKIAZZZZZZZZZZZZZZZZ", DS)
pos("aws-access-key", "export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE", SL)
neg("aws-access-key", "akiazzzzzzzzzzzzzzzz", DS)
neg("aws-access-key", "AKIAZZZ", DS)
neg("aws-access-key", "aws_access_key_id = AKIAXXXXXXXXXXXXXXXX", GL)
s = rnd(40, B64); pos("aws-secret-key", f"aws_secret_access_key = {s}", s, DS)
s = rnd(40, B64); pos("aws-secret-key", f'secret_key = "{s}"', s, DS)
s = rnd(40, B64); pos("aws-secret-key", f"AWS_SECRET_ACCESS_KEY: '{s}'", s, SL)
s = rnd(40, A); pos("aws-secret-key", f"aws_secret = '{s}'", s, DS)
# GitHub
t = "ghp_" + rnd(18) + "_" + rnd(17); pos("github-token", f"token: {t}", t, GL)
t = "gho_" + rnd(36); pos("github-token", f"GITHUB_TOKEN={t}", t, GL)
t = "ghs_" + rnd(36); pos("github-token", f"Authorization token {t}", t, SL)
t = "ghu_" + rnd(36); pos("github-token", t, t, DS)
t = "github_pat_11" + rnd(20, UP) + "_" + rnd(59); pos("github-token", f'gh auth login --with-token <<< "{t}"', t, GL)
t = "ghr_" + rnd(36) + ""; pos("github-token", f"refresh={t}", t, GL)
neg("github-token", "ghp_" + "x" * 36, SL)
neg("github-token", "token = ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", GL)
neg("github-token", "GitHub tokens start with ghp_ followed by 36 characters.", CD)
# GitLab
t = "glpat-" + rnd(20, A + "_-"); pos("gitlab-token", f"private_token: {t}", t, GL)
t = "glpat-" + rnd(20); pos("gitlab-token", f"git clone https://oauth2:{t}@gitlab.com/group/repo.git", t, SL)
# Slack
t = f"xoxb-{rnd(12,string.digits)}-{rnd(13,string.digits)}-{rnd(24)}"; pos("slack-token", f"SLACK_BOT_TOKEN={t}", t, GL)
t = f"xoxp-{rnd(6,string.digits)}-{rnd(6,string.digits)}-{rnd(6,string.digits)}-{rnd(22,HEX)}"; pos("slack-token", t, t, DS)
t = f"xoxe-1-{rnd(140)}"; pos("slack-token", f"refresh_token: {t}", t, GL)
t = f"xoxe.xoxp-1-{rnd(150)}"; pos("slack-token", f'"access_token": "{t}"', t, GL)
t = f"xapp-1-A{rnd(10,UP)}-{rnd(13,string.digits)}-{rnd(64,HEX)}"; pos("slack-token", f"SLACK_APP_TOKEN={t}", t, GL)
t = f"xoxa-2-{rnd(9,string.digits)}-{rnd(11,string.digits)}-{rnd(13,string.digits)}-{rnd(18,HEX)}"; pos("slack-token", t, t, DS)
t = f"xoxb-{rnd(8,string.digits)}-{rnd(18,HEX)}"; pos("slack-token", t, t, DS)
t = f"xoxs-{rnd(6,string.digits)}-{rnd(6,string.digits)}-{rnd(6,string.digits)}-{rnd(18,HEX)}"; pos("slack-token", t, t, DS)
w = f"https://hooks.slack.com/services/T{rnd(8,UP)}/B{rnd(8,UP)}/{rnd(24)}"; pos("slack-webhook", f"webhook_url: {w}", w[30:], GL)
w = f"https://hooks.slack.com/workflows/T{rnd(8,UP)}/A{rnd(10,UP)}/{rnd(18,string.digits)}/{rnd(24)}"; pos("slack-webhook", w, w[30:], GL)
neg("slack-token", "xoxb-xxxxxxxxxx-xxxxxxxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx", SL)
neg("slack-token", "Join #xoxo-indieweb on the Slack", SL)
neg("slack-token", "xoxo, Gossip Girl", CD)
# Stripe
for p in ["sk_live_", "rk_live_", "sk_test_", "rk_test_"]:
    t = p + rnd(24); pos("stripe-key", f"stripe.api_key = '{t}'" if p[0] == 's' else t, t, DS if p.endswith("live_") else GL)
t = "sk_live_51" + rnd(97); pos("stripe-key", f"STRIPE_SECRET_KEY={t}", t, SL)
t = "whsec_" + rnd(32); pos("stripe-key", f"endpoint_secret = \"{t}\"", t, GL)
neg("stripe-key", "pk_live_" + rnd(24), DS)
neg("stripe-key", "sk_live_", DS)
# Private keys
body = "\n".join(rnd(64, B64) for _ in range(4))
pos("private-key", f"-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----", body.split("\n")[0], DS)
pos("private-key", f"-----BEGIN EC PRIVATE KEY-----\n{rnd(64,B64)}\n-----END EC PRIVATE KEY-----", None, GL)
pos("private-key", f"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA{rnd(40,B64)}\n-----END OPENSSH PRIVATE KEY-----", None, SL)
pos("private-key", json.dumps(f"-----BEGIN PRIVATE KEY-----\n{rnd(64,B64)}\n-----END PRIVATE KEY-----"), None, DS)
pos("private-key", "some text here\nPuTTY-User-Key-File-2\nsecret key", None, DS)
pos("private-key", f"PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nPrivate-Lines: 1\n{rnd(44,B64)}", None, GL)
pos("private-key", f"---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nComment: \"rsa-key\"\n{rnd(64,B64)}\n---- END SSH2 ENCRYPTED PRIVATE KEY ----", None, GL)
pos("private-key", f"-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBF{rnd(60,B64)}\n-----END PGP PRIVATE KEY BLOCK-----", None, GL)
pos("private-key", f"-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBOBgkqhkiG9w0BBQ0w{rnd(40,B64)}\n-----END ENCRYPTED PRIVATE KEY-----", None, GL)
pos("private-key", f"-----BEGIN DSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,{rnd(32,HEX).upper()}\n\n{rnd(64,B64)}\n-----END DSA PRIVATE KEY-----", None, GL)
neg("private-key", "-----BEGIN RSA PRIVATE KEY-----\n-----END RSA PRIVATE KEY-----", GL)
neg("private-key", "Paste the key between -----BEGIN PRIVATE KEY----- and -----END PRIVATE KEY----- markers.", CD)
# GCP service account
kid = rnd(40, HEX)
sa = json.dumps({"type": "service_account", "project_id": "demo-project-42", "private_key_id": kid, "private_key": f"-----BEGIN PRIVATE KEY-----\n{rnd(64,B64)}\n-----END PRIVATE KEY-----\n", "client_email": "svc@demo-project-42.iam.gserviceaccount.com", "client_id": rnd(21, string.digits)}, indent=2)
pos("gcp-service-account", sa, kid, SL)
# Auth headers, curl
b = base64.b64encode(f"deploy:{rnd(14)}".encode()).decode(); pos("auth-header", f"Authorization: Basic {b}", b, GL)
t = rnd(40, A + "-._"); pos("auth-header", f'curl -H "Authorization: Bearer {t}" https://api.example.net/v1/items', t, GL)
t = rnd(32, HEX); pos("auth-header", f"headers = {{'Authorization': 'token {t}'}}", t, GL)
t = rnd(32); pos("auth-header", f'curl -H "X-Api-Key: {t}" https://api.example.net', t, GL)
t = rnd(36, A); pos("auth-header", f"requests.get(url, headers={{'Authorization': 'Bearer {t}'}})", t, CD)
p = rnd(12); pos("curl-credentials", f"curl -u admin:{p} https://build.internal/api/json", p, GL)
p = rnd(10); pos("curl-credentials", f'curl --user "ci-bot:{p}" -X POST https://ci.internal/job/x/build', p, GL)
p = rnd(14, A + "!@#"); pos("curl-credentials", f"curl -k -u ops:{p} https://search.internal:9200/_cat/indices", p, GL)
p = rnd(12); pos("curl-credentials", f"curl -X PUT https://queue.internal/api \\\n  -H 'Content-Type: application/json' \\\n  -u worker:{p}", p, GL)
p = rnd(11); pos("curl-credentials", f'curl -u ":{p}" https://localhost:9200', p, GL)
t = f"{rnd(8,HEX)}-{rnd(4,HEX)}-{rnd(4,HEX)}-{rnd(4,HEX)}-{rnd(12,HEX)}"; pos("auth-header", f"curl --header 'Authorization: {t}'", t, GL)
t = rnd(16, HEX); pos("auth-header", f'curl -XPOST https://tasks.internal/api -H "Token: {t}"', t, GL)
t = rnd(40, HEX); pos("auth-header", f'curl -H "Authorization: Api-Token {t}" https://app.internal/api', t, GL)
for t in ["curl -i -u 'test:test'", 'curl -sL --user "$1:$2" "$3"', "curl -u <user:password> https://test.example/endpoint",
          "curl --user neo4j:[PASSWORD] http://[IP]:7474/db/data/", "curl -u username:token", 'curl -u "${USER}:${PASS}"',
          'curl --user "xxx:yyy"', 'curl -X POST --user "$(cat ./login.txt):$(cat ./password.txt)"', "curl http://127.0.0.1:5000/file --user user:pass --digest",
          'curl -H "Authorization: Bearer XXXXXXXXXXXX"', 'curl -H "Authorization: Token **********"', 'curl -H "Authorization: Bearer $API_KEY"',
          'curl -H "Authorization: Bearer $(gcloud auth print-access-token)" https://example.com']:
    neg("curl-credentials" if " -u" in t or "--user" in t else "auth-header", t, GL)
neg("auth-header", "Send the header Authorization: Bearer <token> with each request.", CD)
neg("auth-header", "Authorization: Bearer ${ACCESS_TOKEN}", GL)
neg("curl-credentials", "curl -u <user>:<password> https://example.com", SL)
# Passwords in URLs and connection strings
p = rnd(10); pos("password-in-url", f"DATABASE_URL=postgres://admin:{p}@db.internal:5432/app", p, SL)
p = rnd(12); pos("password-in-url", f"mongodb+srv://appuser:{p}@cluster0.ab1cd.mongodb.net/test", p, SL)
p = rnd(12); pos("password-in-url", f"redis://:{p}@cache.internal:6379/0", p, GL)
p = rnd(9); pos("password-in-url", f'<a href="https://bob:{p}@files.example.org/report.pdf">report</a> and <a href="https://example.org/">home</a>', p, CD)
pos("password-in-url", "https://username:password@yelp.com", "username:password", DS)
p = rnd(10); pos("password-in-url", f"ftp://ftpuser:{p}@ftp.example.net/pub", p, GL)
neg("password-in-url", "https://<user>:<password>@db.example.com", SL)
neg("password-in-url", "postgres://xxxx:xxxxx@localhost/db", SL)
neg("password-in-url", "http://localhost:5000/<%= @variable %>", DS)
neg("password-in-url", "See https://example.com:8443/path?q=1 and http://10.0.0.1:8080/", CD)
# Password assignments
p = rnd(12, A + "!#%"); pos("password-assignment", f"DB_PASSWORD={p}", p, GL)
p = rnd(11); pos("password-assignment", f'password: "{p}"', p, GL)
p = rnd(14); pos("password-assignment", f'{{"username": "svc", "password": "{p}"}}', p, GL)
p = rnd(10); pos("password-assignment", f"Server=sql.internal;Database=app;User Id=sa;Password={p};", p, SL)
p = rnd(16); pos("password-assignment", f'my_password = "{p}"', p, DS)
p = rnd(20); pos("password-assignment", f'apikey := "{p}"', p, DS)
p = rnd(24); pos("password-assignment", f"some_dict['secret'] = '{p}'", p, DS)
p = rnd(18); pos("password-assignment", f'private_key "{p}";', p, DS)
p = rnd(32, HEX); pos("password-assignment", f"client_secret: {p}", p, GL)
for t in ['password: ${link}', 'my_password = True', 'login(username=username, password=password)', 'apiKey: this.apiKey,',
          "apiKey: fs.readFileSync('foo',", '$password = $input;', 'theapikey: "somefakekey"', 'my_password = ""',
          "my_password = request.json_body['hey']", 'my_password = foo(hey)you', 'private_key "fake";']:
    neg("password-assignment", t, DS)
neg("password-assignment", "Forgot your password? We sent a password reset link.", CD)
neg("password-assignment", "The secret: nobody knows.", CD)
neg("password-assignment", "password = os.environ['DB_PASSWORD']", CD)
# JWT
def b64u(o): return base64.urlsafe_b64encode(json.dumps(o, separators=(",", ":")).encode()).decode().rstrip("=")
j = f"{b64u({'alg':'HS256','typ':'JWT'})}.{b64u({'sub':rnd(10,string.digits),'name':'Jane Roe','iat':1516239022})}.{rnd(43,A+'-_')}"
pos("jwt", f"id_token={j}", j, DS)
j = f"{b64u({'typ':'JWT','alg':'RS256'})}.{b64u({'iss':'https://auth.example.net','exp':1893456000})}"
pos("jwt", j, j, DS)
j = f"{b64u({'alg':'ES256','kid':rnd(8)})}.{b64u({'scope':'read write','aud':'api'})}.{rnd(86,A+'-_')}"
pos("jwt", f"Cookie: session={j}", j, GL)
neg("jwt", "eyJAAAA.eyJBBB", DS)
neg("jwt", "eyJBB.eyJCC.eyJDDDD", DS)
neg("jwt", '{"alg":"HS256","typ":"JWT"}.{"name":"Jon Doe"}.' + rnd(43), DS)
neg("jwt", "bm90X3ZhbGlkX2pzb25fYXRfYWxs.bm90X3ZhbGlkX2pzb25fYXRfYWxs." + rnd(43), DS)
# Vendor tokens
t = "npm_" + rnd(36); pos("vendor-token", f"//registry.npmjs.org/:_authToken={t}", t, GL)
t = "pypi-AgEIcHlwaS5vcmc" + rnd(70, A + "-_"); pos("vendor-token", f"password = {t}", t, DS)
t = "hf_" + rnd(34, string.ascii_letters); pos("vendor-token", f"HF_TOKEN={t}", t, GL)
t = f"SG.{rnd(22, A+'-_')}.{rnd(43, A+'-_')}"; pos("vendor-token", f"SENDGRID_API_KEY='{t}'", t, DS)
t = "SK" + rnd(32, HEX); pos("vendor-token", f"TWILIO_API_KEY={t}", t, DS)
t = "shpat_" + rnd(32, HEX); pos("vendor-token", t, t, GL)
t = "dapi" + rnd(32, HEX); pos("vendor-token", f"databricks token {t}", t, GL)
t = rnd(10, string.digits) + ":AA" + rnd(33, A + "_-"); pos("vendor-token", f"TELEGRAM_BOT_TOKEN={t}", t, DS)
t = "dop_v1_" + rnd(64, HEX); pos("vendor-token", t, t, GL)
t = "sk-proj-" + rnd(48, A + "_-"); pos("api-secret-key", f"OPENAI_API_KEY={t}", t, SL)
t = "sk-ant-api03-" + rnd(93, A + "_-") + "AA"; pos("api-secret-key", f"ANTHROPIC_API_KEY={t}", t, SL)
t = "AIza" + rnd(34, A + "_") + "-"; pos("api-secret-key", f"key={t}", t, CD)
t = "AIza" + rnd(35, A + "_-"); pos("api-secret-key", f'"apiKey": "{t}"', t, GL)
neg("api-secret-key", "AIza" + "a" * 35, CD)
neg("vendor-token", "npm_" + "0" * 36, SL)
# High entropy
t = rnd(44, A + "+/"); pos("high-entropy-string", f"blob {t} end", t, DS)
neg("high-entropy-string", "getUserAccountSettingsForTenantVersion2Async", CD)
t = base64.b64encode(b"a long sentence that is long enough to look random once encoded").decode(); pos("high-entropy-string", f'"{t}"', t, DS)
t = rnd(84, A + "-_"); pos("high-entropy-string", t, t, DS)
neg("high-entropy-string", "'c3VwZXIgc2VjcmV0IHZhbHVl'", DS)
neg("high-entropy-string", "commit 2764d47e6bf540911b7da8fe55caa9451e783549", CD)
neg("high-entropy-string", "id 123e4567-e89b-12d3-a456-426614174000", CD)
# Encoded secrets
t = "ghp_" + rnd(36); e = base64.b64encode(f"token={t}".encode()).decode(); pos("encoded", f"config: {e}", e, CD)
k = "AKIA" + rnd(16, UP); e = urllib.parse.quote(f"key={k}", safe="").replace("A", "%41"); pos("encoded", f"https://app.example.net/cb?state={e}", k, CD)
t = "xoxb-" + rnd(10, string.digits) + "-" + rnd(24); e = "".join(f"\\u{ord(c):04x}" for c in t); pos("encoded", f'{{"t": "{e}"}}', t, CD)
t = "ghp_" + rnd(36); e = "".join(f"&#{ord(c)};" for c in t); pos("encoded", f"<p>{e}</p>", t, CD)
p = rnd(10); pos("encoded", f"postgres://admin&#58;{p}&#64;db.internal/app", p, CD)
t = "sk_live_" + rnd(24); e = "".join(f"\\x{ord(c):02x}" for c in t); pos("encoded", f"s = '{e}'", t, CD)
neg("encoded", "greeting = 'SGVsbG8sIHdvcmxkIQ=='", CD)
neg("encoded", "Search: https://example.com/search?q=hello%20world%21&lang=en", CD)
neg("encoded", "Tom &amp; Jerry &lt;3 &#169; 2024", CD)
# Phones
for t in ["(415) 555-2671", "+44 20 7946 0958", "+49 30 90182077", "020 7946 0958", "+33 1 42 68 53 00", "+1-202-555-0143",
          "+91 98765 43210", "+61 2 9374 4000", "212-555-0199", "+1 (555) 123-4567", "+81 3-1234-5678", "+34 912 34 56 78"]:
    pos("phone-number", f"Call me at {t} tomorrow.", t, PR)
for t in ["The meeting is at 10:30 on 2024-01-15.", "Version 1.2.3 build 4567", "Order #123456789 shipped",
          "ISBN 978-3-16-148410-0", "Zip 94105-1234", "Total $1,234,567.89", "Timestamp 2024-01-15T10:30:00Z",
          "Room 101, floor 3", "192.168.1.254 is the gateway", "Population 8336817 in 2020"]:
    neg("phone-number", t, PR)
# Email
pos("email-address", "write to jane.doe@corp.io today", "jane.doe@corp.io", PR)
pos("email-address", "Contact: m.rossi+news@posta.example.it", "m.rossi+news@posta.example.it", PR)
neg("email-address", "user@example.com is the documented example", CD)
neg("email-address", "Follow @codex on social media", PR)
# Cards
for t in ["4111 1111 1111 1111", "5555555555554444", "3782 822463 10005", "6011111111111117", "3530111333300000", "4012-8888-8888-1881", "2223003122003222"]:
    pos("payment-card", f"card {t} exp 12/29", t, PR)
ts = next(str(x) for x in range(1701234567890, 1701234567999) if luhn_ok(str(x)))
neg("payment-card", f"created_at_ms={ts}", CD)
neg("payment-card", "card 4111 1111 1111 1112", PR)
neg("payment-card", "tracking 1Z999AA10123456784", CD)
with open(__import__("os").path.join(__import__("os").path.dirname(__file__), "labelled.jsonl"), "w") as f:
    for r in rows:
        if r.get("secret") is None: r.pop("secret", None)
        f.write(json.dumps(r) + "\n")
print(sum(r["label"] == "positive" for r in rows), sum(r["label"] == "negative" for r in rows))
