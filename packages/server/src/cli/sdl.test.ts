import { readFileSync } from 'node:fs';
import { buildSchema, type GraphQLEnumType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { printSdl } from './sdl.js';

const values = (sdl: string, name: string): string[] =>
  (buildSchema(sdl).getType(name) as GraphQLEnumType).getValues().map((v) => v.value as string);

describe('vk-payments schema', () => {
  it('prints the schema the committed schema.graphql holds', async () => {
    expect(await printSdl()).toBe(readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8'));
  });

  it('types Me.kind and signedWith as enums of the lower-case words scripts already compare', async () => {
    const sdl = await printSdl();
    expect(values(sdl, 'MeKind')).toEqual(['key', 'root', 'session']);
    expect(values(sdl, 'SignedWith')).toEqual(['current', 'previous']);
    expect(sdl).toMatch(/kind: MeKind!/);
    expect(sdl.match(/signedWith: SignedWith\n/g)).toHaveLength(2);
  });
});
