{
  "targets": [
    {
      "target_name": "heapwise",
      "sources": ["src/heapwise.cc", "src/mapping.cc", "src/errors.cc", "src/args.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags!": ["-fno-exceptions"],
      "conditions": [
        ["OS!='linux'", { "sources!": ["src/heapwise.cc", "src/mapping.cc"] }]
      ]
    }
  ]
}
