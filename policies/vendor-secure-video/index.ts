// heapwise vendor-secure-video policy (an example of a vendor module): a TV SoC's protected video
// path in the TEE's secure-video pool, clear video frames in an ECC-free carveout, per-heap byte
// budgets, and the SDK's lazy cache-domain plan.
import { register, planLazy } from '../../asm/index';
import { placeSecureVideo } from './place';
export * from '../../asm/exports';

register('vendor-secure-video', '1.0.0', placeSecureVideo, planLazy);
