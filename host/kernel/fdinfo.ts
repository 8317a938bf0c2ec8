// /proc/self/fdinfo/<fd> of a dma-buf: "key:\tvalue" lines; size, exp_name (the exporting heap)
// and name (DMA_BUF_SET_NAME) are what accounting tools read.
export interface DmaBufFdinfo {
  size?: number;
  expName?: string;
  name?: string;
  /** Every key as printed, for what the kernel adds later. */
  fields: Record<string, string>;
}

export function parseFdinfo(text: string): DmaBufFdinfo {
  const fields: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  const info: DmaBufFdinfo = { fields };
  if (fields.size !== undefined) info.size = Number(fields.size);
  if (fields.exp_name !== undefined) info.expName = fields.exp_name;
  if (fields.name !== undefined) info.name = fields.name;
  return info;
}
