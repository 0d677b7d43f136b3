/**
 * Where a served OpenAPI document says it lives: its `servers` and the reference page in `info.contact`.
 * Kept apart from the generator so the meta function can place a document written at synth (it does not
 * bundle the generator, which reaches every area's schemas).
 */
export function servedAt<D extends { info: { contact?: Record<string, unknown> } }>(
  doc: D,
  serverUrl: string,
) {
  return {
    ...doc,
    info: { ...doc.info, contact: { ...doc.info.contact, url: `${serverUrl}/docs` } },
    servers: [{ url: serverUrl, description: 'This deployment' }],
  };
}
