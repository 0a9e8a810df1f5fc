# Generates a C++ source holding every docs/rules/<ID>.md, so `ballast explain` and SARIF help
# come from the one binary. Run as: cmake -DDOCS_DIR=... -DOUT=... -P EmbedDocs.cmake
# The table is constexpr StringRefs: their lengths are counted by the compiler, not by strlen on
# every look-up, and a look-up is a binary search (catalogue() asks for each rule's doc once a
# process: with `const char *` and a linear search that was 0.33 M instructions).
file(GLOB docs "${DOCS_DIR}/*.md")
list(SORT docs)
set(body "// Generated from docs/rules by cmake/EmbedDocs.cmake; do not edit.\n#include \"llvm/ADT/StringRef.h\"\n#include <algorithm>\n#include <iterator>\n#include <utility>\nnamespace ballast::rules {\nstatic constexpr std::pair<llvm::StringRef, llvm::StringRef> Docs[] = {\n")
foreach(doc ${docs})
  get_filename_component(id "${doc}" NAME_WE)
  file(READ "${doc}" text)
  set(body "${body}  {\"${id}\", R\"ballastdoc(${text})ballastdoc\"},\n")
endforeach()
set(body "${body}};\n// Docs is sorted by ID (list(SORT) above; the names differ before `.md`): a binary search.\nllvm::StringRef ruleDoc(llvm::StringRef Id) {\n  const auto *It = std::lower_bound(std::begin(Docs), std::end(Docs), Id,\n                                    [](const auto &D, llvm::StringRef Key) { return D.first < Key; });\n  return It != std::end(Docs) && It->first == Id ? It->second : llvm::StringRef();\n}\n} // namespace ballast::rules\n")
file(WRITE "${OUT}.tmp" "${body}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.tmp" "${OUT}")
