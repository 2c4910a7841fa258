// Where a file named inside a model file (a TF.js weight shard) may be read
// from: the model file's own folder (file: locations), or its origin (http
// and https). The name is resolved as a URL first, so percent-encoded dots,
// backslashes, absolute URLs and '//host' references are judged by where they
// really lead, not by how they are spelled.
import { ModelFileError } from './errors.js';
import { quoted } from '../errors.js';

export interface SiblingPolicy {
  /** The model file, for messages. */
  file: string;
  /** Let http(s) names lead to other origins. */
  allowCrossOrigin: boolean;
}

export function isHttpUrl(url: URL): boolean {
  return url.protocol === 'http:' || url.protocol === 'https:';
}

/** The URL of `name` beside the model file at `base`, or a ModelFileError when it leads elsewhere. */
export function resolveSibling(name: unknown, base: URL, policy: SiblingPolicy): URL {
  const where = { file: policy.file, part: 'weightsManifest' };
  // eslint-disable-next-line no-control-regex
  if (typeof name !== 'string' || name.trim() === '' || /[\u0000-\u001f]/.test(name)) {
    throw new ModelFileError(`names a weight file ${quoted(name)}, which is not a file name`, where);
  }
  let url: URL;
  try {
    url = new URL(name, base);
  } catch {
    throw new ModelFileError(`names a weight file ${quoted(name)}, which is not a valid relative path`, where);
  }
  const outside = () => new ModelFileError(`names a weight file outside the model's folder: ${quoted(name)}`, where);
  if (base.protocol === 'file:') {
    if (url.protocol === 'file:') {
      // Encoded separators would turn back into '/' or '\' when the path is decoded.
      if (url.host !== base.host || !url.pathname.startsWith(folderOf(base)) || /%(2f|5c|00)/i.test(url.pathname)) throw outside();
      return url;
    }
    if (policy.allowCrossOrigin && isHttpUrl(url)) return url;
    throw outside();
  }
  if (isHttpUrl(base)) {
    if (isHttpUrl(url) && (url.origin === base.origin || policy.allowCrossOrigin)) return url;
    throw new ModelFileError(
      `names a weight file at ${isHttpUrl(url) ? `another origin (${url.origin})` : `a ${url.protocol} location`}: ${quoted(name)}; pass allowCrossOrigin: true to allow other origins`,
      where,
    );
  }
  throw new ModelFileError(`names weight file ${quoted(name)}, but the model was read from a ${base.protocol} location; pass the shards in options.weightFiles`, where);
}

/** The folder part of a URL's path, ending in '/'. */
function folderOf(url: URL): string {
  return url.pathname.slice(0, url.pathname.lastIndexOf('/') + 1);
}
