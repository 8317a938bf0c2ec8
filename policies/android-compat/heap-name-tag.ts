// libdmabufheap names every buffer after its heap (DmabufAlloc -> DmabufSetName(fd, heap_name),
// cut to DMA_BUF_NAME_LEN - 1 bytes), which is how dmabuf_dump and fdinfo attribute memory.
// The SDK only names buffers whose request has a name; this adds the heap name otherwise.
import { Op, OpKind, OUT_OPS_OFFSET, NAME_CAPACITY, heap, heapNamePtr } from '../../asm/index';
import { out, output, emitOp, emitBytes } from '../../asm/io';

/** After a placement: an ALLOC not followed by SET_NAME gets SET_NAME with the heap's name. */
export function nameAfterHeap(): void {
  const o = out();
  if (o.opCount != 1) return; // FAIL, or ALLOC already followed by the request's own name
  const alloc = Op.at(output + OUT_OPS_OFFSET);
  if (alloc.kind != OpKind.ALLOC) return;
  const src = heapNamePtr(alloc.heap);
  let len = heap(alloc.heap).nameLen;
  if (len > NAME_CAPACITY - 1) {
    // Cut as libdmabufheap does, but never inside a UTF-8 sequence (the host wants valid UTF-8).
    len = NAME_CAPACITY - 1;
    while (len > 0 && (load<u8>(src + <usize>len) & 0xc0) == 0x80) len--;
  }
  if (len == 0) return;
  const at = emitBytes(src, len);
  if (at >= 0) emitOp(OpKind.SET_NAME, alloc.buf, alloc.heap, len, <u64>at);
}
