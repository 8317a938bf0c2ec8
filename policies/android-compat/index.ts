// heapwise android-compat policy: libdmabufheap's heap choice (Alloc(heap_name) and
// AllocSystem(cpu_access)) under the hard constraints, buffers named after their heap, and
// CpuSyncStart/CpuSyncEnd around every CPU access, as an Android-compatible module promises.
import { register, planBracketEveryAccess } from '../../asm/index';
import { placeAndroid } from './place';
export * from './exports';

register('android-compat', '1.0.0', placeAndroid, planBracketEveryAccess);
