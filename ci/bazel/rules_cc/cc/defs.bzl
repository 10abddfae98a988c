"""Offline stand-in for @rules_cc//cc:defs.bzl.

Debian's bazel-rules-cc is too new for Bazel 4.2.3 (it loads `use_cpp_toolchain`,
which this Bazel's @bazel_tools lacks), and nothing can be downloaded at build time.
Bazel 4 has the C/C++ rules built in, so these names forward to the native rules.
"""

def cc_library(**attrs):
    native.cc_library(**attrs)

def cc_binary(**attrs):
    native.cc_binary(**attrs)

def cc_test(**attrs):
    native.cc_test(**attrs)

def cc_import(**attrs):
    native.cc_import(**attrs)

def cc_toolchain(**attrs):
    native.cc_toolchain(**attrs)

def cc_toolchain_suite(**attrs):
    native.cc_toolchain_suite(**attrs)

def cc_proto_library(**attrs):
    native.cc_proto_library(**attrs)

def objc_library(**attrs):
    native.objc_library(**attrs)
