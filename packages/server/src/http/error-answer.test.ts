import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { answerErrorsPlainly } from './error-answer.js';

describe('answers to errors no route handled', () => {
  const app = Fastify();
  answerErrorsPlainly(app);
  app.get('/fails', () => Promise.reject(new Error('connect ECONNREFUSED /var/run/secret.sock at /work/src/db.ts:12')));
  app.post('/echo', (req) => Promise.resolve(req.body));

  it('hides the message of an unexpected failure behind a generic 500', async () => {
    const res = await app.inject({ method: 'GET', url: '/fails' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'Internal server error' });
  });

  it("keeps Fastify's fixed message for a client mistake", async () => {
    const res = await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload: '{"a":' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'FST_ERR_CTP_INVALID_JSON_BODY', error: 'Bad Request' });
  });
});
