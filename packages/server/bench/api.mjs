/**
 * The bench's GraphQL client: the root token it starts every server with, and one query function.
 */
export const ROOT = 'bench-root-token-0123456789abcdef';

/**
 * Runs a GraphQL operation as root; throws on GraphQL errors.
 * @param {string} url  the server's base URL
 * @param {string} query
 * @returns {Promise<Record<string, unknown>>} the `data` of the answer
 */
export async function gql(url, query) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ROOT}` },
    body: JSON.stringify({ query }),
  });
  const body = await res.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}
