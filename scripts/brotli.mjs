// Writes the brotli copy of each file given (FILE.br), at brotli's highest quality: `tdb serve` sends it
// to a browser that accepts brotli instead of compressing the file on the fly, at a lower quality, at
// each request (src/spa.rs). Prints the size of each copy, in bytes, one per line: "FILE SIZE".
//
// Usage: node scripts/brotli.mjs FILE...
import fs from 'node:fs';
import zlib from 'node:zlib';

for (const file of process.argv.slice(2)) {
    const bytes = fs.readFileSync(file);
    const copy = zlib.brotliCompressSync(bytes, {
        params: {
            [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
            [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
        },
    });
    fs.writeFileSync(`${file}.br`, copy);
    console.log(`${file} ${copy.length}`);
}
