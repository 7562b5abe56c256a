#!/usr/bin/env node
/**
 * The bench's ceiling: the least any VK endpoint must do — read the form, verify the MD5 signature,
 * answer JSON — on bare node:http, with no storage. Our server is measured as a ratio of this.
 * Listens on PORT (0 or unset: any free port).
 */
import { createServer } from 'node:http';
import { verifySig } from '../dist/notifications/signature.js';

const secret = process.env.SECRET ?? '';
const answer = Buffer.from('{"response":{"title":"Gem pack","price":10,"item_id":"gem_pack"}}');
const server = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    const params = Object.fromEntries(new URLSearchParams(body));
    const ok = verifySig(params, secret);
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(ok ? answer : '{"error":{"error_code":10,"error_msg":"signature mismatch","critical":true}}');
  });
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
