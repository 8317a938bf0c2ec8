import { timing } from './scenarios/zz_timing_tmp.ts';
console.log(JSON.stringify(await timing({ policy: 'policies/default/build/default.wasm', rounds: 1500 })));
