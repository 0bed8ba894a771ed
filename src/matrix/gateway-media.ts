/** Media through the gateway: the upload limit, uploads, and authenticated downloads. */
import { GatewayError } from "./gateway.ts";
import { ClientPrefix, enc, Method, requestOpts, type GatewayHttp } from "./gateway-http.ts";
import { asObject, mxcOf } from "./responses.ts";

export async function uploadLimit(http: GatewayHttp): Promise<number | null> {
  const kind = "GET /media/config";
  const r = await http.call(kind, true, () =>
    http.api.authedRequest<unknown>(
      Method.Get,
      "/media/config",
      undefined,
      undefined,
      requestOpts({ prefix: ClientPrefix.V1 }),
    ),
  );
  const size = asObject(kind, r)["m.upload.size"];
  return typeof size === "number" && Number.isFinite(size) && size > 0 ? size : null;
}

export async function upload(
  http: GatewayHttp,
  data: Uint8Array,
  opts: { type: string; name: string },
): Promise<string> {
  const kind = "POST /upload";
  const r = await http.call(kind, false, () =>
    http.api.uploadContent(new Blob([data as Uint8Array<ArrayBuffer>], { type: opts.type }), {
      type: opts.type,
      name: opts.name,
    }),
  );
  return mxcOf(kind, asObject(kind, r)["content_uri"]);
}

export async function download(
  http: GatewayHttp,
  mxc: string,
): Promise<{ data: Uint8Array; contentType?: string }> {
  const kind = "GET /media/download";
  const m = /^mxc:\/\/([^/]+)\/([^/?#]+)$/.exec(mxc);
  if (m === null) throw new GatewayError(`not an mxc:// URL: ${mxc}`, { kind });
  // Authenticated media (spec v1.11): the unauthenticated /_matrix/media/v3 download is frozen.
  const blob = await http.call(kind, true, () =>
    http.api.authedRequest<Blob>(
      Method.Get,
      `/media/download/${enc(m[1] ?? "")}/${enc(m[2] ?? "")}`,
      undefined,
      undefined,
      requestOpts({ prefix: ClientPrefix.V1, rawResponseBody: true }),
    ),
  );
  return {
    data: new Uint8Array(await blob.arrayBuffer()),
    ...(blob.type === "" ? {} : { contentType: blob.type }),
  };
}
