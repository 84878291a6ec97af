// Supplies std::ios_base_library_init(), which GCC 13's libstdc++ exports
// (symbol version GLIBCXX_3.4.32) and TorchSharp 0.107.0's libLibTorchSharp.so
// imports. Older libstdc++ (Debian 12: GCC 12) lacks it, so the loader refuses
// the library. In GCC 13 the function only makes sure the standard streams are
// constructed — which a static std::ios_base::Init does on any libstdc++.
#include <ios>

namespace std {
    // Declared with default visibility so the dynamic linker can bind the
    // (version-cleared) reference in libLibTorchSharp.so to it.
    __attribute__((visibility("default"))) void ios_base_library_init() {
        static ios_base::Init init;
    }
}
