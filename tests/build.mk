# Test programs.  Each part of the test tree keeps its rules in its own fragment.
-include tests/abi/build.mk
-include tests/unit/build.mk
-include tests/fuzz/build.mk
-include tests/unit/insn.mk
-include tests/unit/decomp.mk
-include tests/fuzz/decomp.mk
-include tests/linux/build.mk
