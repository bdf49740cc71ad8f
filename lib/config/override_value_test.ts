// Cases ported from Hydra 1.3's tests/test_overrides_parser.py (the value,
// primitive, list, dict, sweep, sort, shuffle, tag, cast, glob and whitespace
// tables), run through codex's parser. Cases that test Hydra internals codex
// does not have (package keys, registering custom functions, QuotedString
// objects) are left out; codex's deliberate differences are in docs/config.md.
import assert from "node:assert/strict";
import {
  type ChoiceSweep,
  formatOverrideValue,
  globFilter,
  type IntervalSweep,
  parseOverrideValue,
  type RangeSweep,
  rangeValues,
  type Sweep,
} from "./override_value.ts";
import { parseHydraOverride } from "./compose.ts";

const value = (text: string) => {
  const p = parseOverrideValue(text);
  if (p.sweep) throw new Error(`${text} parsed as a sweep`);
  return p.value;
};
const sweepOf = (text: string): Sweep => {
  const p = parseOverrideValue(text);
  if (!p.sweep) throw new Error(`${text} did not parse as a sweep`);
  const { raw: _raw, ...rest } = p.sweep as ChoiceSweep;
  return rest as Sweep;
};
const choice = (list: unknown[], o: { simple?: boolean; tags?: string[]; shuffle?: boolean } = {}): ChoiceSweep => ({
  kind: "choice",
  list,
  simpleForm: o.simple ?? false,
  tags: o.tags ?? [],
  shuffle: o.shuffle ?? false,
});
const range = (
  start: number,
  stop: number,
  step = 1,
  o: { float?: boolean; tags?: string[]; shuffle?: boolean } = {},
): RangeSweep => ({
  kind: "range",
  start,
  stop,
  step,
  float: o.float ?? false,
  tags: o.tags ?? [],
  shuffle: o.shuffle ?? false,
});
const interval = (start: number, end: number, tags: string[] = [], int = false): IntervalSweep => ({
  kind: "interval",
  start,
  end,
  int,
  tags,
});

let ported = 0;
const check = (text: string, expected: unknown) => {
  ported++;
  const p = parseOverrideValue(text);
  if (p.sweep) assert.deepEqual(sweepOf(text), expected, text);
  else if (typeof expected === "number" && Number.isNaN(expected)) assert.ok(Number.isNaN(p.value), text);
  else assert.deepEqual(p.value, expected, text);
};
const fails = (text: string, re: RegExp) => {
  ported++;
  assert.throws(() => parseOverrideValue(text, `key=${text}`, 4), re, text);
};

Deno.test("Hydra cases: elements and primitives", () => {
  const cases: [string, unknown][] = [
    ["abc", "abc"],
    ["abc123", "abc123"],
    ["abc-123", "abc-123"],
    ["a b c\t-\t1 2 3", "a b c\t-\t1 2 3"],
    [" abc-123 ", "abc-123"],
    ["123abc", "123abc"],
    ["xyz_${a.b.c}", "xyz_${a.b.c}"],
    ["${env:USER,root}", "${env:USER,root}"],
    ["c:\\foo\\a-b.txt", "c:\\foo\\a-b.txt"],
    ["null", null],
    ["1", 1],
    ["0.51", 0.51],
    ["10e0", 10],
    ["true", true],
    [".", "."],
    ["/:-\\+.$*", "/:-\\+.$*"],
    ["abc10", "abc10"],
    ["a.b.c", "a.b.c"],
    ["list.0.bar", "list.0.bar"],
    ["0.foo", "0.foo"],
    ["10", 10],
    ["10abc", "10abc"],
    ["abc-cde", "abc-cde"],
    ["True", true],
    ["TRUE", true],
    ["trUe", true],
    ["false", false],
    ["False", false],
    ["FALSE", false],
    ["faLse", false],
    ["0", 0],
    ["-1", -1],
    ["10_0", 100],
    ["0.0", 0],
    ["-3.14", -3.14],
    ["3.1_4", 3.14],
    ["-10e1", -100],
    ["inf", Infinity],
    ["INF", Infinity],
    ["-inf", -Infinity],
    ["nan", NaN],
    ["NaN", NaN],
    ["'foo \\'bar'", "foo 'bar"],
    ['"foo \\"bar"', 'foo "bar'],
    ["'\t []{},=+~'", "\t []{},=+~"],
    ['"\t []{},=+~"', "\t []{},=+~"],
    ["'a b c'", "a b c"],
    ["'a,b'", "a,b"],
    ["'[1,2,3]'", "[1,2,3]"],
    ['"[1,2,3]"', "[1,2,3]"],
    ["\"[1,'2',3]\"", "[1,'2',3]"],
    ["'null'", "null"],
    ["'100'", "100"],
    ["'3.14'", "3.14"],
    ["'nan'", "nan"],
    ["'inf'", "inf"],
    ["'true'", "true"],
    ["'false'", "false"],
    ["${a}", "${a}"],
    ["${a.b.c}", "${a.b.c}"],
    ["${foo:a}", "${foo:a}"],
    ["${foo:1,2,3}", "${foo:1,2,3}"],
    ["${foo:[1,2,3]}", "${foo:[1,2,3]}"],
    ["abc ", "abc"],
    [" abc", "abc"],
  ];
  for (const [text, expected] of cases) check(text, expected);
});

Deno.test("Hydra cases: escapes and quoting (Windows paths, escaped quotes and commas)", () => {
  const cases: [string, unknown][] = [
    ["a\\,b", "a,b"],
    ["\\ a\\ ", " a "],
    ["a\\=b", "a=b"],
    ["\\[a\\]\\(b\\)\\{c\\}\\:", "[a](b){c}:"],
    ['"C:\\new\\table"', "C:\\new\\table"],
    ["'C:\\\\'", "C:\\"],
    ["'a\\\\\\'b'", "a\\'b"],
    ["['a\\'b', c\\,d]", ["a'b", "c,d"]],
    ["'  foo,bar\t'", "  foo,bar\t"],
    ["'foo , \t\t bar'", "foo , \t\t bar"],
    ["value \t 123", "value \t 123"],
    [" \tvalue \t", "value"],
  ];
  for (const [text, expected] of cases) check(text, expected);
});

Deno.test("Hydra cases: lists and dicts", () => {
  const cases: [string, unknown][] = [
    ["[1,2,3]", [1, 2, 3]],
    ["[1 ]", [1]],
    ["[1, 2, 3]", [1, 2, 3]],
    ["[]", []],
    ["[1]", [1]],
    ["['a b']", ["a b"]],
    ["['[a,b]']", ["[a,b]"]],
    ["[[a]]", [["a"]]],
    ["[[[a]]]", [[["a"]]]],
    ["[1,[a]]", [1, ["a"]]],
    ["{}", {}],
    ["{a:b}", { a: "b" }],
    ["{a:10}", { a: 10 }],
    ["{a:[a,10]}", { a: ["a", 10] }],
    ["{a:[true,10]}", { a: [true, 10] }],
    ["{a:10,b:20}", { a: 10, b: 20 }],
    ["{a:10,b:{}}", { a: 10, b: {} }],
    ["{a:10,b:{c:[1,2]}}", { a: 10, b: { c: [1, 2] } }],
    ["['a b', 2, 3]", ["a b", 2, 3]],
    ["{a:10,b:[1,2,3]}", { a: 10, b: [1, 2, 3] }],
    ["[1  ,\t2\t]", [1, 2]],
    ["str(\t  [  1,\t2  ]\t   )", ["1", "2"]],
  ];
  for (const [text, expected] of cases) check(text, expected);
});

Deno.test("Hydra cases: sweeps (simple choice, choice, range, interval, tag)", () => {
  const cases: [string, unknown][] = [
    ["1,2,3", choice([1, 2, 3], { simple: true })],
    ["1, 2, 3", choice([1, 2, 3], { simple: true })],
    ["${a}, ${b}, ${c}", choice(["${a}", "${b}", "${c}"], { simple: true })],
    ["[a,b],[c,d]", choice([["a", "b"], ["c", "d"]], { simple: true })],
    ["a,b", choice(["a", "b"], { simple: true })],
    ["a,10,3.14", choice(["a", 10, 3.14], { simple: true })],
    ["a , b", choice(["a", "b"], { simple: true })],
    ["1 ,  2,\t\t3", choice([1, 2, 3], { simple: true })],
    ["[1  ,\t2\t],[\t3\t   ,4  ]", choice([[1, 2], [3, 4]], { simple: true })],
    ["choice(a)", choice(["a"])],
    ["choice(a,b)", choice(["a", "b"])],
    ["choice (a,b)", choice(["a", "b"])],
    ["choice( 10 , 20 )", choice([10, 20])],
    ["choice(str(10))", choice(["10"])],
    ["choice(1)", choice([1])],
    ["choice(1,2,3)", choice([1, 2, 3])],
    ["choice([1,2],[3,4])", choice([[1, 2], [3, 4]])],
    ["choice\t(  1\t\t )", choice([1])],
    ["choice(\t\t1,   2, \t 3 )", choice([1, 2, 3])],
    ["range(10,11)", range(10, 11)],
    ["range (10,11)", range(10, 11)],
    ["range(1,10,2)", range(1, 10, 2)],
    ["range(start=1,stop=10,step=2)", range(1, 10, 2)],
    ["range(1.0, 3.14)", range(1, 3.14, 1, { float: true })],
    ["range(1.0, 3.14, 0.1)", range(1, 3.14, 0.1, { float: true })],
    ["range(0,2)", range(0, 2)],
    ["range(1,5,2)", range(1, 5, 2)],
    ["range(10.0, 11.0)", range(10, 11, 1, { float: true })],
    ["interval(10,11)", interval(10, 11)],
    ["interval(2.72,3.14)", interval(2.72, 3.14)],
    ["interval(start=2.72,end=3.14)", interval(2.72, 3.14)],
    ["interval(0,1)", interval(0, 1)],
    ["tag(a,b,choice([1,2],[3,4]))", choice([[1, 2], [3, 4]], { tags: ["a", "b"] })],
    ["tag(a,b,interval(0,1))", interval(0, 1, ["a", "b"])],
    ["tag(choice(a,b))", choice(["a", "b"])],
    ["tag(tag1,tag2,choice(a,b))", choice(["a", "b"], { tags: ["tag1", "tag2"] })],
    ["tag(interval(0,2))", interval(0, 2)],
    ["tag(tag1,tag2,interval(0,2))", interval(0, 2, ["tag1", "tag2"])],
    ["tag(range(1,2))", range(1, 2)],
    ["tag(tag1,tag2,range(1,2))", range(1, 2, 1, { tags: ["tag1", "tag2"] })],
    ["tag(tag1,tag2,sweep=range(1,2))", range(1, 2, 1, { tags: ["tag1", "tag2"] })],
  ];
  for (const [text, expected] of cases) check(text, expected);
});

Deno.test("Hydra cases: sort and shuffle", () => {
  const cases: [string, unknown][] = [
    ["sort([2,3,1])", [1, 2, 3]],
    ["sort([2,3,1],reverse=true)", [3, 2, 1]],
    ["sort(3,2,1)", choice([1, 2, 3], { simple: true })],
    ["sort(a,c,b,reverse=true)", choice(["c", "b", "a"], { simple: true })],
    ["float(sort(3,2,1))", choice([1, 2, 3], { simple: true })],
    ["sort(float(3,2,1))", choice([1, 2, 3], { simple: true })],
    ["sort(1)", 1],
    ["sort({a:10})", { a: 10 }],
    ["sort([1])", [1]],
    ["sort([1,2,3])", [1, 2, 3]],
    ["sort(list=[1,2,3])", [1, 2, 3]],
    ["sort(list=[])", []],
    ["sort(list=[1,2,3], reverse=True)", [3, 2, 1]],
    ["sort(1,2,3)", choice([1, 2, 3], { simple: true })],
    ["sort(1,2,3,reverse=True)", choice([3, 2, 1], { simple: true })],
    ["sort(choice(1,2,3))", choice([1, 2, 3])],
    ["sort(sweep=choice(1,2,3))", choice([1, 2, 3])],
    ["sort(choice(1,2,3), reverse=True)", choice([3, 2, 1])],
    ["sort(tag(a,b,choice(1,2,3)), reverse=True)", choice([3, 2, 1], { tags: ["a", "b"] })],
    ["sort(range(1, 10))", range(1, 10)],
    ["sort(range(9,0,-1))", range(1, 10)],
    ["sort(range(1,10),reverse=True)", range(9, 0, -1)],
    ["sort(sort(range(1, 10),reverse=true))", range(1, 10)],
    ["sort(range(0,2,0.5))", range(0, 2, 0.5, { float: true })],
    ["sort(range(1.5,-0.5,-0.5))", range(0, 2, 0.5, { float: true })],
    ["sort(range(0,2,0.5),reverse=true)", range(1.5, -0.5, -0.5, { float: true })],
    ["shuffle(range(1, 10))", range(1, 10, 1, { shuffle: true })],
    ["shuffle(1,2,3)", choice([1, 2, 3], { simple: true, shuffle: true })],
    ["shuffle(choice(1,2,3))", choice([1, 2, 3], { shuffle: true })],
    ["shuffle(tag(a,b,choice(1,2,3)))", choice([1, 2, 3], { tags: ["a", "b"], shuffle: true })],
    ["shuffle(range(10,1))", range(10, 1, 1, { shuffle: true })],
    ["shuffle(float(range(10,1)))", range(10, 1, 1, { float: true, shuffle: true })],
    ["shuffle(tag(a,b,range(1,10,2)))", range(1, 10, 2, { tags: ["a", "b"], shuffle: true })],
  ];
  for (const [text, expected] of cases) check(text, expected);
  for (const text of ["shuffle([1,2,3])", "shuffle(list=[1,2,3])"]) {
    ported++;
    assert.deepEqual([...(value(text) as number[])].sort(), [1, 2, 3], text);
  }
  fails(
    "sort(3,2,str(1))",
    /TypeError while evaluating 'sort\(3,2,str\(1\)\)': '<' not supported between instances of 'str' and 'int'/,
  );
});

Deno.test("Hydra cases: casts", () => {
  const cases: [string, unknown][] = [
    ["int(10.0)", 10],
    ["str(10.0)", "10.0"],
    ["bool(10.0)", true],
    ["float(10)", 10],
    ["float(float(10))", 10],
    ["str(10)", "10"],
    ["bool(10)", true],
    ["int(0)", 0],
    ["bool(0)", false],
    ["str(0.0)", "0.0"],
    ["bool(0.0)", false],
    ["float(inf)", Infinity],
    ["str(inf)", "inf"],
    ["bool(inf)", true],
    ["str(nan)", "nan"],
    ["int(1e6)", 1000000],
    ["str(1e6)", "1000000.0"],
    ["str('')", ""],
    ["int('10')", 10],
    ["float('10')", 10],
    ["str('10')", "10"],
    ["float('10.0')", 10],
    ["bool('true')", true],
    ["bool('false')", false],
    ["str('true')", "true"],
    ["str('[1,2,3]')", "[1,2,3]"],
    ["str('{a:10}')", "{a:10}"],
    ["int(true)", 1],
    ["float(false)", 0],
    ["str(true)", "true"],
    ["bool(false)", false],
    ["int([])", []],
    ["int([0,1,2])", [0, 1, 2]],
    ["str([0,1,2])", ["0", "1", "2"]],
    ["bool([0,1,2])", [false, true, true]],
    ["int([1,[2]])", [1, [2]]],
    ["str([1,[2]])", ["1", ["2"]]],
    ["str([a,1])", ["a", "1"]],
    ["int({})", {}],
    ["int({a:10})", { a: 10 }],
    ["str({a:10})", { a: "10" }],
    ["bool({a:10})", { a: true }],
    ["str({a:[0,1,2]})", { a: ["0", "1", "2"] }],
    ["str({a:10,b:xyz})", { a: "10", b: "xyz" }],
    ["int(choice(0,1))", choice([0, 1])],
    ["str(choice(0,1))", choice(["0", "1"])],
    ["bool(choice(0,1))", choice([false, true])],
    ["int(2,1,0)", choice([2, 1, 0], { simple: true })],
    ["str(2,1,0)", choice(["2", "1", "0"], { simple: true })],
    ["bool(2,1,0)", choice([true, true, false], { simple: true })],
    [
      "str(a,'b',1,1.0,true,[a,b],{a:10})",
      choice(["a", "b", "1", "1.0", "true", ["a", "b"], { a: "10" }], { simple: true }),
    ],
    ["str(choice(a,b))", choice(["a", "b"])],
    ["str(choice(1,a))", choice(["1", "a"])],
    ["int(interval(1.0, 2.0))", interval(1, 2, [], true)],
    ["float(interval(1.0, 2.0))", interval(1, 2)],
    ["int(range(1,10))", range(1, 10)],
    ["float(range(1,10))", range(1, 10, 1, { float: true })],
    ["int(range(1.0,10.0))", range(1, 10)],
  ];
  for (const [text, expected] of cases) check(text, expected);
  const errors: [string, RegExp][] = [
    ["int(inf)", /OverflowError while evaluating 'int\(inf\)': cannot convert float infinity to integer/],
    ["int(nan)", /ValueError while evaluating 'int\(nan\)': cannot convert float NaN to integer/],
    ["int('')", /ValueError while evaluating 'int\(''\)': invalid literal for int\(\) with base 10:/],
    ["float('')", /ValueError while evaluating 'float\(''\)': could not convert string to float:/],
    ["bool('')", /ValueError while evaluating 'bool\(''\)': Cannot cast '' to bool/],
    ["bool('10')", /Cannot cast '10' to bool/],
    ["int('10.0')", /invalid literal for int\(\) with base 10: '10.0'/],
    ["float('true')", /could not convert string to float: 'true'/],
    ["int([a,1])", /ValueError while evaluating 'int\(\[a,1\]\)': invalid literal for int\(\) with base 10: 'a'/],
    ["bool({a:10,b:xyz})", /Cannot cast 'xyz' to bool/],
    ["int(a,'b',1)", /invalid literal for int\(\) with base 10: 'a'/],
    ["float(choice(a,b))", /could not convert string to float: 'a'/],
    [
      "str(interval(1.0, 2.0))",
      /ValueError while evaluating 'str\(interval\(1.0, 2.0\)\)': Intervals cannot be cast to str/,
    ],
    ["bool(interval(1.0, 2.0))", /Intervals cannot be cast to bool/],
    ["str(range(1,10))", /ValueError while evaluating 'str\(range\(1,10\)\)': Range can only be cast to int or float/],
    ["bool(range(1.0,10.0))", /Range can only be cast to int or float/],
  ];
  for (const [text, re] of errors) fails(text, re);
});

Deno.test("Hydra cases: glob and its filter", () => {
  const g = (include: string[], exclude: string[]) => ({ kind: "glob", include, exclude });
  check("glob(*)", g(["*"], []));
  check("glob(include=*)", g(["*"], []));
  check("glob(include=[*])", g(["*"], []));
  check("glob(include=[a*, b*], exclude=c*)", g(["a*", "b*"], ["c*"]));
  const words = ["the", "quick", "brown", "fox", "jumped", "under", "the", "lazy", "dog"];
  const filter = (include: string[], exclude: string[]) => {
    ported++;
    return globFilter({ kind: "glob", include, exclude }, words);
  };
  assert.deepEqual(filter(["*"], []), words);
  assert.deepEqual(filter(["*"], ["quick", "under"]), ["the", "brown", "fox", "jumped", "the", "lazy", "dog"]);
  assert.deepEqual(filter(["*"], ["*d*"]), ["the", "quick", "brown", "fox", "the", "lazy"]);
  assert.deepEqual(filter(["t*"], []), ["the", "the"]);
});

Deno.test("Hydra cases: Python's range and Hydra's FloatRange", () => {
  const r = (start: number, stop: number, step: number, float = true) =>
    rangeValues({ kind: "range", start, stop, step, float, tags: [], shuffle: false });
  const cases: [number, number, number, number[]][] = [
    [0, 0, 1, []],
    [0, 0, -1, []],
    [10, 0, 1, []],
    [0, 10, -1, []],
    [0, 2, 1, [0, 1]],
    [0, 2, 0.5, [0, 0.5, 1, 1.5]],
    [2, 0, -1, [2, 1]],
    [10, 5, -2, [10, 8, 6]],
  ];
  for (const [start, stop, step, expected] of cases) {
    ported++;
    assert.deepEqual(r(start, stop, step), expected);
  }
  ported++;
  assert.deepEqual(r(1, 3.14, 0.5), [1, 1.5, 2, 2.5, 3]);
  assert.deepEqual(r(1, 10, 2, false), [1, 3, 5, 7, 9]);
});

Deno.test("Hydra cases: whole overrides (prefixes, deletes, values)", () => {
  const rows: [string, string, unknown][] = [
    ["key=value", "key", "value"],
    ["key='1,2,3'", "key", "1,2,3"],
    ["key='שלום'", "key", "שלום"],
    ["key=value-123", "key", "value-123"],
    ["key=value-1.0", "key", "value-1.0"],
    ["key=value-true", "key", "value-true"],
    ["key=", "key", ""],
    ["key='foo,bar'", "key", "foo,bar"],
    ["key='foo , bar'", "key", "foo , bar"],
    ["key=str([1,2])", "key", ["1", "2"]],
    ["choice=reverse", "choice", "reverse"],
    ["key= \tvalue \t", "key", "value"],
    ["key=[]", "key", []],
    ["key={a:10,b:[1,2,3]}", "key", { a: 10, b: [1, 2, 3] }],
    ["list.0=5", "list.0", 5],
  ];
  for (const [prefix, op] of [["", "set"], ["+", "add"], ["~", "delete"]] as const) {
    for (const [line, key, expected] of rows) {
      ported++;
      const o = parseHydraOverride(prefix + line);
      assert.equal(o.op, op, prefix + line);
      assert.equal(o.key, key);
      assert.deepEqual(o.value, expected, prefix + line);
    }
  }
  const sweeps: [string, Sweep][] = [
    ["key=1,2,3", choice([1, 2, 3], { simple: true })],
    ["key=choice(1,2,3)", choice([1, 2, 3])],
    ["key=[1,2],[3,4]", choice([[1, 2], [3, 4]], { simple: true })],
    ["key=range(1,5,2)", range(1, 5, 2)],
    ["key=interval(0,1)", interval(0, 1)],
    ["z=a,b,c", choice(["a", "b", "c"], { simple: true })],
    ["z=choice(a,b,c)", choice(["a", "b", "c"])],
  ];
  for (const [line, expected] of sweeps) {
    ported++;
    const { raw: _raw, ...s } = parseHydraOverride(line).sweep as ChoiceSweep;
    assert.deepEqual(s, expected, line);
  }
  ported += 4;
  assert.deepEqual(parseHydraOverride("~x"), { op: "delete", key: "x", raw: "~x" });
  assert.deepEqual(parseHydraOverride("~x=10").value, 10);
  assert.deepEqual(parseHydraOverride("~x=").value, "");
  assert.equal(parseHydraOverride("x=10").value, 10);
});

Deno.test("Hydra cases: parse errors say what is wrong and where", () => {
  fails("[", /no viable alternative at input '\['/);
  fails("[]aa", /extraneous input 'aa' expecting <EOF> at column 7/);
  fails("[1,2,3]'", /token recognition error at: '''/);
  fails("{a=1}", /mismatched input '=' .* at column 7/);
  fails("{a}", /expecting ':' \(a dict is written \{key:value\}\)/);
  fails("a,", /missing a value at end of input/);
  fails("'abc", /token recognition error at: ''' \(the quote is not closed\) at column 5/);
  fails("range(start=10,20,1)", /positional argument follows keyword argument/);
  fails("foo(1)", /unknown function 'foo' \(available: bool, choice/);
  fails("choice()", /empty choice is not legal/);
  fails("range(1)", /missing a required argument: 'stop'/);
  fails("interval(0,1,2)", /too many positional arguments/);
  fails("sort(list=[1],bad=2)", /got an unexpected keyword argument 'bad'/);
  fails("tag(a,b)", /tag\(\) needs a sweep/);
  ported++;
  assert.throws(() => parseHydraOverride("foo@abc=1"), /package overrides \(foo@abc\) are not supported/);
  ported++;
  assert.throws(() => parseHydraOverride("=1"), /missing a key before '='/);
});

Deno.test("formatOverrideValue: written values parse back to themselves", () => {
  for (const v of ["a", "a b", "a,b", "100", "true", "", " x", "it's", "C:\\new\\table", "${a.b}", "x=y", "a\\"]) {
    assert.equal(value(formatOverrideValue(v)), v, JSON.stringify(v));
  }
  for (const v of [1, -2.5, 1e-7, null, true, Infinity, [1, "2", ["a"]], { a: 1, b: [true, "x,y"] }]) {
    assert.deepEqual(value(formatOverrideValue(v)), v, JSON.stringify(v));
  }
});

Deno.test("Hydra cases ported: the count", () => {
  // Every table above runs before this one (tests run in file order).
  console.log(`${ported} Hydra override-parser cases pass`);
  assert.ok(ported >= 250, `ported ${ported}`);
});
