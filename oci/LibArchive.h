//===- LibArchive.h - libarchive, loaded on first use ------------*- C++ -*-===//
//
// libarchive is not linked into ballast: archiveApi() loads libarchive.so.13 with dlopen the first
// time a command reads or writes a tar and resolves the functions ballast calls, as
// registry/Curl.h does for libcurl. Its dependency tree (libxml2, ICU, nettle, acl, lzma, lz4,
// bz2, z) then costs nothing to the commands that never touch a tar (`ballast lint`,
// `ballast version`). Only the types, constants and prototypes (for the pointer types) come from
// <archive.h> and <archive_entry.h>. oci/LayerReader.cpp, store/Archive.cpp and builder/ are the
// users; any other libarchive caller goes through this table too, so that no library of ballast
// links libarchive (tests that build tars may).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>

#include <archive.h>
#include <archive_entry.h>

namespace ballast::oci {

/// The libarchive functions ballast calls, resolved once from libarchive.so.13; the library stays
/// loaded for the life of the process (handles may outlive any one caller). Each member has the
/// type of the function it names (archive_read_new -> ReadNew), declared by the header, so a
/// signature cannot drift from the one dlsym returns.
struct ArchiveApi {
  // Reading (oci/LayerReader.cpp, builder/Copy.cpp).
  decltype(&::archive_read_new) ReadNew = nullptr;
  decltype(&::archive_read_free) ReadFree = nullptr;
  decltype(&::archive_read_support_format_tar) ReadSupportFormatTar = nullptr;
  decltype(&::archive_read_support_format_empty) ReadSupportFormatEmpty = nullptr;
  decltype(&::archive_read_support_filter_gzip) ReadSupportFilterGzip = nullptr;
  decltype(&::archive_read_support_filter_bzip2) ReadSupportFilterBzip2 = nullptr;
  decltype(&::archive_read_support_filter_xz) ReadSupportFilterXz = nullptr;
  decltype(&::archive_read_support_filter_zstd) ReadSupportFilterZstd = nullptr;
  decltype(&::archive_read_open) ReadOpen = nullptr;
  decltype(&::archive_read_open_filename) ReadOpenFilename = nullptr;
  decltype(&::archive_read_next_header) ReadNextHeader = nullptr;
  decltype(&::archive_read_data) ReadData = nullptr;
  decltype(&::archive_read_data_block) ReadDataBlock = nullptr;
  // Writing (store/Archive.cpp, builder/LayerWriter.cpp).
  decltype(&::archive_write_new) WriteNew = nullptr;
  decltype(&::archive_write_free) WriteFree = nullptr;
  decltype(&::archive_write_set_format_pax_restricted) WriteSetFormatPaxRestricted = nullptr;
  decltype(&::archive_write_set_bytes_per_block) WriteSetBytesPerBlock = nullptr;
  decltype(&::archive_write_set_bytes_in_last_block) WriteSetBytesInLastBlock = nullptr;
  decltype(&::archive_write_open_fd) WriteOpenFd = nullptr;
  decltype(&::archive_write_open2) WriteOpen2 = nullptr;
  decltype(&::archive_write_header) WriteHeader = nullptr;
  decltype(&::archive_write_data) WriteData = nullptr;
  decltype(&::archive_write_close) WriteClose = nullptr;
  // Entries.
  decltype(&::archive_entry_new) EntryNew = nullptr;
  decltype(&::archive_entry_free) EntryFree = nullptr;
  decltype(&::archive_entry_pathname) EntryPathname = nullptr;
  decltype(&::archive_entry_pathname_utf8) EntryPathnameUtf8 = nullptr;
  decltype(&::archive_entry_hardlink) EntryHardlink = nullptr;
  decltype(&::archive_entry_hardlink_utf8) EntryHardlinkUtf8 = nullptr;
  decltype(&::archive_entry_symlink) EntrySymlink = nullptr;
  decltype(&::archive_entry_symlink_utf8) EntrySymlinkUtf8 = nullptr;
  decltype(&::archive_entry_filetype) EntryFiletype = nullptr;
  decltype(&::archive_entry_size_is_set) EntrySizeIsSet = nullptr;
  decltype(&::archive_entry_size) EntrySize = nullptr;
  decltype(&::archive_entry_mode) EntryMode = nullptr;
  decltype(&::archive_entry_perm) EntryPerm = nullptr;
  decltype(&::archive_entry_uid) EntryUid = nullptr;
  decltype(&::archive_entry_gid) EntryGid = nullptr;
  decltype(&::archive_entry_mtime) EntryMtime = nullptr;
  decltype(&::archive_entry_rdev) EntryRdev = nullptr;
  decltype(&::archive_entry_rdevmajor) EntryRdevmajor = nullptr;
  decltype(&::archive_entry_rdevminor) EntryRdevminor = nullptr;
  decltype(&::archive_entry_xattr_reset) EntryXattrReset = nullptr;
  decltype(&::archive_entry_xattr_next) EntryXattrNext = nullptr;
  decltype(&::archive_entry_set_pathname) EntrySetPathname = nullptr;
  decltype(&::archive_entry_set_filetype) EntrySetFiletype = nullptr;
  decltype(&::archive_entry_set_perm) EntrySetPerm = nullptr;
  decltype(&::archive_entry_set_size) EntrySetSize = nullptr;
  decltype(&::archive_entry_set_uid) EntrySetUid = nullptr;
  decltype(&::archive_entry_set_gid) EntrySetGid = nullptr;
  decltype(&::archive_entry_set_mtime) EntrySetMtime = nullptr;
  decltype(&::archive_entry_set_hardlink) EntrySetHardlink = nullptr;
  decltype(&::archive_entry_set_symlink) EntrySetSymlink = nullptr;
  decltype(&::archive_entry_set_rdevmajor) EntrySetRdevmajor = nullptr;
  decltype(&::archive_entry_set_rdevminor) EntrySetRdevminor = nullptr;
  decltype(&::archive_entry_xattr_add_entry) EntryXattrAddEntry = nullptr;
  // Errors. SetError is variadic (printf-like): pass "%s" and the message, never the message as
  // the format.
  decltype(&::archive_error_string) ErrorString = nullptr;
  decltype(&::archive_set_error) SetError = nullptr;
  /// Empty when loaded; otherwise why not (`what is wrong; how to fix`).
  std::string Error;

  /// Loads the library (use archiveApi(), not this).
  ArchiveApi();
  /// Whether every function was found.
  bool loaded() const { return Error.empty(); }
};

/// The process-wide table, loaded on first use (thread-safe); check loaded() before calling.
const ArchiveApi &archiveApi();

} // namespace ballast::oci
