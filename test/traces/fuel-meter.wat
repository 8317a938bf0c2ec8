;; fuel-meter: a policy whose cost grows with the request, for the cross-host fuel tests
;; (test/cross-host/cross-host.test.ts). hw_event loops size / 4096 times, one fuel unit per
;; iteration (a loop header), so a budget runs out on the first request large enough, at the
;; same event in every host. Answers: PLACE -> ALLOC from heap 0 of the size rounded up to a page
;; (read-write, close-on-exec); other events -> no op. The new BufferState is the one handed in
;; with scratch0 = the iterations counted, so every answer shows the work was done.
;; The .wasm beside this file is what the golden traces were recorded with (replay finds it by
;; its sha256); the test assembles this text and checks it still gives those bytes.
(module
  (import "env" "abort" (func $abort (param i32 i32 i32 i32)))
  (memory (export "memory") 4 16)
  (data (i32.const 1024) "\0a\00\00\00fuel-meter")
  (data (i32.const 1100) "\05\00\00\001.0.0")
  (func (export "hw_abi_version") (result i32) (i32.const 0x10000))
  (func (export "hw_policy_name") (result i32) (i32.const 1024))
  (func (export "hw_policy_version") (result i32) (i32.const 1100))
  (func (export "hw_input") (result i32) (i32.const 65536))
  (func (export "hw_output") (result i32) (i32.const 131072))
  (func (export "hw_init") (param i32) (result i32) (i32.const 0))
  (func (export "hw_event") (param $len i32) (result i32)
    (local $n i64) (local $i i64) (local $size i64)
    (local.set $size (i64.load (i32.const 65552)))
    (local.set $n (i64.shr_u (local.get $size) (i64.const 12)))
    (block $done
      (loop $count
        (br_if $done (i64.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (br $count)))
    ;; OutHeader: no explanations, no strings; state = the event's state, scratch0 = iterations.
    (i32.store (i32.const 131076) (i32.const 0))
    (i32.store (i32.const 131080) (i32.const 0))
    (i32.store (i32.const 131084) (i32.const 0))
    (memory.copy (i32.const 131088) (i32.const 65600) (i32.const 32))
    (i64.store (i32.const 131104) (local.get $i))
    (if (i32.eq (i32.load (i32.const 65536)) (i32.const 1))
      (then
        (i32.store (i32.const 131072) (i32.const 1))
        (i32.store (i32.const 131120) (i32.const 1))
        (i32.store (i32.const 131124) (i32.load (i32.const 65540)))
        (i32.store (i32.const 131128) (i32.const 0))
        (i32.store (i32.const 131132) (i32.const 0x80002))
        (i64.store (i32.const 131136) (i64.and (i64.add (local.get $size) (i64.const 4095)) (i64.const -4096))))
      (else (i32.store (i32.const 131072) (i32.const 0))))
    (i32.const 0))
)
