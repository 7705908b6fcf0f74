// validate.js FILE... — validates each OpenAPI document with swagger-parser
// (schema and the parser's own checks) and exits non-zero naming the first
// problem of each invalid one.
"use strict";
const SwaggerParser = require("@apidevtools/swagger-parser");

async function main(files) {
  if (files.length === 0) {
    console.error("usage: node validate.js openapi.json...");
    process.exit(2);
  }
  let failed = 0;
  for (const f of files) {
    try {
      const api = await SwaggerParser.validate(f);
      console.log(`${f}: valid OpenAPI ${api.openapi || api.swagger} (${Object.keys(api.paths || {}).length} paths)`);
    } catch (err) {
      failed++;
      console.error(`${f}: INVALID: ${err.message}`);
    }
  }
  process.exit(failed ? 1 : 0);
}

main(process.argv.slice(2));
