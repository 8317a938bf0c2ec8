;; heapwise hostile-module corpus: wrong-signature. hw_event takes an i64.
(module
  (import "env" "abort" (func $abort (param i32 i32 i32 i32)))
  (memory (export "memory") 4 16)
  (data (i32.const 1024) "\0f\00\00\00wrong-signature")
  (data (i32.const 1100) "\05\00\00\001.0.0")
  (func (export "hw_abi_version") (result i32) (i32.const 0x10000))
  (func (export "hw_policy_name") (result i32) (i32.const 1024))
  (func (export "hw_policy_version") (result i32) (i32.const 1100))
  (func (export "hw_input") (result i32) (i32.const 65536))
  (func (export "hw_output") (result i32) (i32.const 131072))
  (func (export "hw_init") (param i32) (result i32) (i32.const 0))
  (func (export "hw_event") (param i64) (result i32) (i32.const 0))
)
