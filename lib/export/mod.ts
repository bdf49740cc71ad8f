/**
 * Export: trained runs as files other runtimes load. Today, GPT runs as an
 * ONNX folder (`model.onnx` with the weights inside, a Hugging Face
 * `tokenizer.json` and `config.json`), run by ONNX Runtime and accepted by
 * the `onnx` checker.
 *
 * @module
 */
export {
  exportOnnx,
  type ExportOnnxOptions,
  type ExportOnnxResult,
  huggingFaceTokenizerJson,
  mergeLoraWeights,
  ONNX_INPUT,
  ONNX_OPSETS,
  ONNX_OUTPUT,
} from "./export_onnx.ts";
