//===- Compression.cpp - Layer (de)compression streams --------------------===//
//
// Pull-style wrappers around ISA-L (gzip) and libzstd. Every stream works through a fixed input
// buffer, so a layer is never held in memory. Each C library is wrapped once here in RAII handles.
//
//===----------------------------------------------------------------------===//
#include "oci/Compression.h"

#include <algorithm>
#include <climits>
#include <cstring>

#include <isa-l/igzip_lib.h>
#include <zstd.h>

#include "support/Errors.h"

namespace ballast::oci {

namespace {
constexpr size_t InBufSize = 128 << 10;

/// Replays bytes already read (for magic detection) before the rest of the stream.
class PrefixReader : public Reader {
public:
  PrefixReader(std::string Prefix, std::unique_ptr<Reader> In)
      : Prefix(std::move(Prefix)), In(std::move(In)) {}
  llvm::Expected<size_t> read(char *Buf, size_t Len) override {
    if (Pos < Prefix.size()) {
      size_t N = std::min(Len, Prefix.size() - Pos);
      memcpy(Buf, Prefix.data() + Pos, N);
      Pos += N;
      return N;
    }
    return In->read(Buf, Len);
  }

private:
  std::string Prefix;
  size_t Pos = 0;
  std::unique_ptr<Reader> In;
};

/// An input buffer refilled from a Reader; keeps unconsumed bytes when refilled.
struct InputBuffer {
  std::unique_ptr<Reader> In;
  std::unique_ptr<uint8_t[]> Buf{new uint8_t[InBufSize]};
  bool Eof = false;
  uint64_t Total = 0; ///< compressed bytes read so far

  /// Moves the Avail bytes at Next to the front and reads more after them.
  llvm::Error fill(const uint8_t *&Next, size_t &Avail) {
    if (Avail && Next != Buf.get())
      memmove(Buf.get(), Next, Avail);
    Next = Buf.get();
    if (Avail == InBufSize || Eof)
      return llvm::Error::success();
    auto N = In->read(reinterpret_cast<char *>(Buf.get()) + Avail, InBufSize - Avail);
    if (!N)
      return N.takeError();
    if (*N == 0)
      Eof = true;
    Avail += *N;
    Total += *N;
    return llvm::Error::success();
  }
};

const char *inflateErrorText(int Ret) {
  switch (Ret) {
  case ISAL_INVALID_BLOCK: return "invalid deflate block";
  case ISAL_INVALID_SYMBOL: return "invalid deflate symbol";
  case ISAL_INVALID_LOOKBACK: return "invalid back-reference distance";
  case ISAL_INVALID_WRAPPER: return "invalid gzip header";
  case ISAL_UNSUPPORTED_METHOD: return "unsupported compression method in the gzip header";
  case ISAL_INCORRECT_CHECKSUM:
    return "crc32 or length in the member trailer does not match the data";
  case ISAL_NEED_DICT: return "stream needs a preset dictionary";
  default: return "unknown inflate error";
  }
}

/// gzip decompression with isal_inflate, member after member (as `zcat` does).
class GzipReader : public Reader {
public:
  explicit GzipReader(std::unique_ptr<Reader> In) : St(new inflate_state) {
    Input.In = std::move(In);
    isal_inflate_init(St.get());
    St->crc_flag = ISAL_GZIP;
    St->avail_in = 0;
    St->next_in = Input.Buf.get();
  }

  llvm::Expected<size_t> read(char *Out, size_t Len) override {
    if (Done || Len == 0)
      return 0;
    Len = std::min<size_t>(Len, UINT32_MAX);
    for (;;) {
      if (St->block_state == ISAL_BLOCK_FINISH) {
        // A member ended (its trailer checked); another member may follow.
        if (auto E = refillIfEmpty())
          return E;
        if (St->avail_in == 0) {
          Done = true;
          return 0;
        }
        uint8_t *Next = St->next_in;
        uint32_t Avail = St->avail_in;
        if (Next[0] != 0x1f || (Avail > 1 && Next[1] != 0x8b))
          return makeError("corrupt gzip stream (member " + llvm::Twine(Member + 1) +
                           "): invalid gzip header (data after the end of member " +
                           llvm::Twine(Member) + " is not gzip)");
        isal_inflate_reset(St.get());
        St->crc_flag = ISAL_GZIP;
        St->next_in = Next;
        St->avail_in = Avail;
        ++Member;
      }
      if (auto E = refillIfEmpty())
        return E;
      if (St->avail_in == 0) {
        return makeError(Member == 1 && St->total_out == 0 && Input.Total == 0
                             ? llvm::Twine("gzip stream is empty")
                             : "gzip stream is truncated: input ended inside member " +
                                   llvm::Twine(Member) + " after " + llvm::Twine(Input.Total) +
                                   " compressed bytes");
      }
      uint32_t AvailBefore = St->avail_in;
      St->next_out = reinterpret_cast<uint8_t *>(Out);
      St->avail_out = static_cast<uint32_t>(Len);
      int Ret = isal_inflate(St.get());
      if (Ret < 0)
        return makeError("corrupt gzip stream (member " + llvm::Twine(Member) +
                         "): " + inflateErrorText(Ret));
      size_t Produced = Len - St->avail_out;
      if (Produced)
        return Produced;
      if (St->avail_in == AvailBefore && St->block_state != ISAL_BLOCK_FINISH) {
        // No progress with the bytes at hand: read more after them, or fail at end of input.
        if (Input.Eof)
          return makeError("gzip stream is truncated: input ended inside member " +
                           llvm::Twine(Member));
        const uint8_t *Next = St->next_in;
        size_t Avail = St->avail_in;
        if (Avail == InBufSize)
          return makeError("corrupt gzip stream (member " + llvm::Twine(Member) +
                           "): decoder made no progress");
        if (auto E = Input.fill(Next, Avail))
          return E;
        St->next_in = const_cast<uint8_t *>(Next);
        St->avail_in = static_cast<uint32_t>(Avail);
      }
    }
  }

private:
  llvm::Error refillIfEmpty() {
    if (St->avail_in != 0 || Input.Eof)
      return llvm::Error::success();
    const uint8_t *Next = Input.Buf.get();
    size_t Avail = 0;
    if (auto E = Input.fill(Next, Avail))
      return E;
    St->next_in = const_cast<uint8_t *>(Next);
    St->avail_in = static_cast<uint32_t>(Avail);
    return llvm::Error::success();
  }

  InputBuffer Input;
  std::unique_ptr<inflate_state> St;
  unsigned Member = 1;
  bool Done = false;
};

struct ZstdDStreamFree {
  void operator()(ZSTD_DStream *D) const { ZSTD_freeDStream(D); }
};
struct ZstdCCtxFree {
  void operator()(ZSTD_CCtx *C) const { ZSTD_freeCCtx(C); }
};

/// zstd decompression: every frame in turn, skippable frames skipped (zstd:chunked).
class ZstdReader : public Reader {
public:
  explicit ZstdReader(std::unique_ptr<Reader> In) : D(ZSTD_createDStream()) {
    Input.In = std::move(In);
    ZSTD_initDStream(D.get());
  }

  llvm::Expected<size_t> read(char *Out, size_t Len) override {
    if (Done || Len == 0)
      return 0;
    if (!D)
      return makeError("cannot allocate a zstd decoder");
    for (;;) {
      if (Pos == Avail && !Input.Eof) {
        const uint8_t *Next = Input.Buf.get();
        size_t N = 0;
        if (auto E = Input.fill(Next, N))
          return E;
        Pos = 0, Avail = N;
      }
      ZSTD_inBuffer In{Input.Buf.get(), Avail, Pos};
      ZSTD_outBuffer O{Out, Len, 0};
      size_t R = ZSTD_decompressStream(D.get(), &O, &In);
      if (ZSTD_isError(R))
        return makeError(llvm::Twine("corrupt zstd stream: ") + ZSTD_getErrorName(R));
      bool Consumed = In.pos != Pos;
      Pos = In.pos;
      if (Consumed)
        Started = true;
      if (Consumed || O.pos)
        Hint = R; // an idle call (no input left) must not overwrite "frame complete"
      if (O.pos)
        return O.pos;
      if (Pos == Avail && Input.Eof) {
        if (!Started)
          return makeError("zstd stream is empty");
        if (Hint != 0)
          return makeError("zstd stream is truncated: input ended inside a frame after " +
                           llvm::Twine(Input.Total) + " compressed bytes");
        Done = true;
        return 0;
      }
    }
  }

private:
  InputBuffer Input;
  std::unique_ptr<ZSTD_DStream, ZstdDStreamFree> D;
  size_t Pos = 0, Avail = 0, Hint = 0;
  bool Started = false, Done = false;
};

/// gzip compression with isal_deflate (IGZIP_GZIP writes the header and the crc32/size trailer).
class GzipWriter : public Reader {
public:
  GzipWriter(std::unique_ptr<Reader> In, int IsalLevel)
      : S(new isal_zstream), InBuf(new uint8_t[InBufSize]), Src(std::move(In)) {
    isal_deflate_init(S.get());
    S->gzip_flag = IGZIP_GZIP;
    S->level = static_cast<uint32_t>(IsalLevel);
    size_t LevelBufSize = IsalLevel == 1   ? ISAL_DEF_LVL1_DEFAULT
                          : IsalLevel == 2 ? ISAL_DEF_LVL2_DEFAULT
                          : IsalLevel == 3 ? ISAL_DEF_LVL3_DEFAULT
                                           : 0;
    if (LevelBufSize) {
      LevelBuf.reset(new uint8_t[LevelBufSize]);
      S->level_buf = LevelBuf.get();
      S->level_buf_size = static_cast<uint32_t>(LevelBufSize);
    }
    S->avail_in = 0;
    S->next_in = InBuf.get();
  }

  llvm::Expected<size_t> read(char *Out, size_t Len) override {
    if (Finished || Len == 0)
      return 0;
    Len = std::min<size_t>(Len, UINT32_MAX);
    for (;;) {
      if (S->avail_in == 0 && !S->end_of_stream) {
        auto N = Src->read(reinterpret_cast<char *>(InBuf.get()), InBufSize);
        if (!N)
          return N.takeError();
        S->next_in = InBuf.get();
        S->avail_in = static_cast<uint32_t>(*N);
        if (*N == 0)
          S->end_of_stream = 1;
      }
      S->next_out = reinterpret_cast<uint8_t *>(Out);
      S->avail_out = static_cast<uint32_t>(Len);
      int Ret = isal_deflate(S.get());
      if (Ret != COMP_OK)
        return makeError("gzip compression failed (isal_deflate error " + llvm::Twine(Ret) + ")");
      size_t Produced = Len - S->avail_out;
      if (S->internal_state.state == ZSTATE_END)
        Finished = true;
      if (Produced || Finished)
        return Produced;
    }
  }

private:
  std::unique_ptr<isal_zstream> S;
  std::unique_ptr<uint8_t[]> InBuf, LevelBuf;
  std::unique_ptr<Reader> Src;
  bool Finished = false;
};

/// zstd compression with ZSTD_compressStream2 (one frame, content checksum on).
class ZstdWriter : public Reader {
public:
  ZstdWriter(std::unique_ptr<Reader> In, int Level)
      : C(ZSTD_createCCtx()), InBuf(new char[InBufSize]), Src(std::move(In)) {
    if (C) {
      ZSTD_CCtx_setParameter(C.get(), ZSTD_c_compressionLevel, Level);
      ZSTD_CCtx_setParameter(C.get(), ZSTD_c_checksumFlag, 1);
    }
  }

  llvm::Expected<size_t> read(char *Out, size_t Len) override {
    if (Finished || Len == 0)
      return 0;
    if (!C)
      return makeError("cannot allocate a zstd encoder");
    for (;;) {
      if (Pos == Avail && !Eof) {
        auto N = Src->read(InBuf.get(), InBufSize);
        if (!N)
          return N.takeError();
        Pos = 0, Avail = *N;
        Eof = *N == 0;
      }
      ZSTD_inBuffer In{InBuf.get(), Avail, Pos};
      ZSTD_outBuffer O{Out, Len, 0};
      size_t R = ZSTD_compressStream2(C.get(), &O, &In, Eof ? ZSTD_e_end : ZSTD_e_continue);
      if (ZSTD_isError(R))
        return makeError(llvm::Twine("zstd compression failed: ") + ZSTD_getErrorName(R));
      Pos = In.pos;
      if (Eof && R == 0)
        Finished = true;
      if (O.pos || Finished)
        return O.pos;
    }
  }

private:
  std::unique_ptr<ZSTD_CCtx, ZstdCCtxFree> C;
  std::unique_ptr<char[]> InBuf;
  std::unique_ptr<Reader> Src;
  size_t Pos = 0, Avail = 0;
  bool Eof = false, Finished = false;
};

bool isZstdMagic(llvm::StringRef B) {
  if (B.size() < 4)
    return false;
  auto U = [&](size_t I) { return static_cast<unsigned char>(B[I]); };
  if (U(0) == 0x28 && U(1) == 0xb5 && U(2) == 0x2f && U(3) == 0xfd)
    return true;
  // Skippable frame: magic 0x184D2A50..0x184D2A5F, little-endian.
  return (U(0) & 0xf0) == 0x50 && U(1) == 0x2a && U(2) == 0x4d && U(3) == 0x18;
}
} // namespace

llvm::Expected<std::unique_ptr<Reader>> decompress(std::unique_ptr<Reader> In) {
  std::string Head;
  char Buf[4];
  while (Head.size() < 4) {
    auto N = In->read(Buf, 4 - Head.size());
    if (!N)
      return N.takeError();
    if (*N == 0)
      break;
    Head.append(Buf, *N);
  }
  media::Compression C = media::Compression::None;
  if (Head.size() >= 2 && static_cast<unsigned char>(Head[0]) == 0x1f &&
      static_cast<unsigned char>(Head[1]) == 0x8b)
    C = media::Compression::Gzip;
  else if (isZstdMagic(Head))
    C = media::Compression::Zstd;
  return decompress(std::make_unique<PrefixReader>(std::move(Head), std::move(In)), C);
}

llvm::Expected<std::unique_ptr<Reader>> decompress(std::unique_ptr<Reader> In,
                                                   media::Compression C) {
  switch (C) {
  case media::Compression::None: return In;
  case media::Compression::Gzip: return std::make_unique<GzipReader>(std::move(In));
  case media::Compression::Zstd: return std::make_unique<ZstdReader>(std::move(In));
  case media::Compression::Unknown: break;
  }
  return makeError("unknown layer compression; expected none, gzip or zstd");
}

/// zlib-style levels 1-9 onto ISA-L's 0-3; 0 picks the default (ISA-L 1).
static int isalLevel(int Level) {
  if (Level == 0)
    return 1;
  if (Level <= 2)
    return 0;
  if (Level <= 5)
    return 1;
  if (Level <= 7)
    return 2;
  return 3;
}

llvm::Expected<std::unique_ptr<Reader>> compress(std::unique_ptr<Reader> In, media::Compression C,
                                                 int Level) {
  switch (C) {
  case media::Compression::None: return In;
  case media::Compression::Gzip:
    if (Level < 0 || Level > 9)
      return makeError("invalid gzip level " + llvm::Twine(Level) + "; use 1-9 (0 for default)");
    return std::make_unique<GzipWriter>(std::move(In), isalLevel(Level));
  case media::Compression::Zstd:
    if (Level < 0 || Level > ZSTD_maxCLevel())
      return makeError("invalid zstd level " + llvm::Twine(Level) + "; use 1-" +
                       llvm::Twine(ZSTD_maxCLevel()) + " (0 for default)");
    return std::make_unique<ZstdWriter>(std::move(In), Level == 0 ? 3 : Level);
  case media::Compression::Unknown: break;
  }
  return makeError("unknown layer compression; expected none, gzip or zstd");
}

} // namespace ballast::oci
