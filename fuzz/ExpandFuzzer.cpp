//===- ExpandFuzzer.cpp - variable expansion never crashes or hangs ------===//
//
// The first byte picks the escape character and the options; the rest is the word, expanded as
// one word and as several against a fixed scope.
//
//===----------------------------------------------------------------------===//
#include <cstddef>
#include <cstdint>

#include "dockerfile/Expand.h"

using namespace ballast::dockerfile;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  static const VarScope Env{
      {"PWD", "/home"},     {"EMPTY", ""},          {"SPACE", " a  b "},
      {"KOREAN", "한국어"}, {"PAT", "*/"},          {"BAD", "a\xff\xfe"},
      {"NL", "a\nb"},       {"DOLLAR", "$0$$${0}"}, {"LONG", "abababababababab"}};
  if (Size == 0)
    return 0;
  ExpandOptions Opts;
  uint8_t Flags = Data[0];
  Opts.Escape = (Flags & 1) ? '`' : '\\';
  Opts.SkipUnset = Flags & 2;
  Opts.RawQuotes = Flags & 4;
  Opts.RawEscapes = Flags & 8;
  Opts.SkipQuotes = Flags & 16;
  llvm::StringRef Word(reinterpret_cast<const char *>(Data + 1), Size - 1);

  if (llvm::Expected<ExpandResult> R = expandWord(Word, Env, Opts)) {
    // Expanding twice gives the same answer.
    llvm::Expected<ExpandResult> Again = expandWord(Word, Env, Opts);
    if (!Again || Again->Text != R->Text)
      __builtin_trap();
  } else {
    llvm::consumeError(R.takeError());
  }
  if (llvm::Expected<ExpandWordsResult> W = expandWords(Word, Env, Opts)) {
    for (const std::string &S : W->Words)
      if (S.empty())
        __builtin_trap(); // words are never empty
  } else {
    llvm::consumeError(W.takeError());
  }
  return 0;
}
