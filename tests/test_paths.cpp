// Where the tests find the repository, the harness binary and the exports
// directory. Only this file is compiled with those paths: every other test
// object is the same in any checkout, so a compiler cache (ccache, as .ci/run
// uses) serves them to a clone in another directory.
#include "test_util.h"

namespace eh::test {

std::string source_dir() { return ESCAPE_HARNESS_SOURCE_DIR; }
std::string exports_dir() { return ESCAPE_HARNESS_EXPORTS_DIR; }
std::string harness_binary() { return ESCAPE_HARNESS_BINARY; }

}  // namespace eh::test
