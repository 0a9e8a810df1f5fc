# Generates a C++ source holding every docs/rules/<ID>.md, so `ballast explain` and SARIF help
# come from the one binary. Run as: cmake -DDOCS_DIR=... -DOUT=... -P EmbedDocs.cmake
file(GLOB docs "${DOCS_DIR}/*.md")
list(SORT docs)
set(body "// Generated from docs/rules by cmake/EmbedDocs.cmake; do not edit.\n#include \"llvm/ADT/StringRef.h\"\n#include <utility>\nnamespace ballast::rules {\nstatic const std::pair<const char *, const char *> Docs[] = {\n")
foreach(doc ${docs})
  get_filename_component(id "${doc}" NAME_WE)
  file(READ "${doc}" text)
  set(body "${body}  {\"${id}\", R\"ballastdoc(${text})ballastdoc\"},\n")
endforeach()
set(body "${body}};\nllvm::StringRef ruleDoc(llvm::StringRef Id) {\n  for (const auto &D : Docs)\n    if (Id == D.first)\n      return D.second;\n  return {};\n}\n} // namespace ballast::rules\n")
file(WRITE "${OUT}.tmp" "${body}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.tmp" "${OUT}")
