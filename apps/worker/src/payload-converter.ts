// Built to dist/payload-converter.cjs: the built worker require()s it on its main thread as
// `payloadConverterPath` (plain Node cannot require the .ts source). The workflow bundle
// carries its own copy, compiled from the same source at build time.
export { failureConverter, payloadConverter } from '@latchkey/temporal/payload-converter';
