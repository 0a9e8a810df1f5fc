//===- LibArchive.cpp - libarchive, loaded on first use -------------------===//
//
// libarchive.so.13 is loaded with dlopen the first time a tar is read or written, not linked: its
// dependency tree (libxml2, ICU, nettle, acl, lzma, lz4, bz2, z) then costs nothing to the
// commands that never touch a tar (`ballast lint`, `ballast version`). Every call goes through
// the table of oci/LibArchive.h, filled by support/DynamicLibrary.h.
//
//===----------------------------------------------------------------------===//
#include "oci/LibArchive.h"

#include "support/DynamicLibrary.h"

namespace ballast::oci {

ArchiveApi::ArchiveApi() {
  DynamicLibrary Lib({"libarchive", "libarchive.so.13", "3.6", "libarchive13"});
  Lib.get(ReadNew, "archive_read_new");
  Lib.get(ReadFree, "archive_read_free");
  Lib.get(ReadSupportFormatTar, "archive_read_support_format_tar");
  Lib.get(ReadSupportFormatEmpty, "archive_read_support_format_empty");
  Lib.get(ReadSupportFilterGzip, "archive_read_support_filter_gzip");
  Lib.get(ReadSupportFilterBzip2, "archive_read_support_filter_bzip2");
  Lib.get(ReadSupportFilterXz, "archive_read_support_filter_xz");
  Lib.get(ReadSupportFilterZstd, "archive_read_support_filter_zstd");
  Lib.get(ReadOpen, "archive_read_open");
  Lib.get(ReadOpenFilename, "archive_read_open_filename");
  Lib.get(ReadNextHeader, "archive_read_next_header");
  Lib.get(ReadData, "archive_read_data");
  Lib.get(ReadDataBlock, "archive_read_data_block");
  Lib.get(WriteNew, "archive_write_new");
  Lib.get(WriteFree, "archive_write_free");
  Lib.get(WriteSetFormatPaxRestricted, "archive_write_set_format_pax_restricted");
  Lib.get(WriteSetBytesPerBlock, "archive_write_set_bytes_per_block");
  Lib.get(WriteSetBytesInLastBlock, "archive_write_set_bytes_in_last_block");
  Lib.get(WriteOpenFd, "archive_write_open_fd");
  Lib.get(WriteOpen2, "archive_write_open2");
  Lib.get(WriteHeader, "archive_write_header");
  Lib.get(WriteData, "archive_write_data");
  Lib.get(WriteClose, "archive_write_close");
  Lib.get(EntryNew, "archive_entry_new");
  Lib.get(EntryFree, "archive_entry_free");
  Lib.get(EntryPathname, "archive_entry_pathname");
  Lib.get(EntryPathnameUtf8, "archive_entry_pathname_utf8");
  Lib.get(EntryHardlink, "archive_entry_hardlink");
  Lib.get(EntryHardlinkUtf8, "archive_entry_hardlink_utf8");
  Lib.get(EntrySymlink, "archive_entry_symlink");
  Lib.get(EntrySymlinkUtf8, "archive_entry_symlink_utf8");
  Lib.get(EntryFiletype, "archive_entry_filetype");
  Lib.get(EntrySizeIsSet, "archive_entry_size_is_set");
  Lib.get(EntrySize, "archive_entry_size");
  Lib.get(EntryMode, "archive_entry_mode");
  Lib.get(EntryPerm, "archive_entry_perm");
  Lib.get(EntryUid, "archive_entry_uid");
  Lib.get(EntryGid, "archive_entry_gid");
  Lib.get(EntryMtime, "archive_entry_mtime");
  Lib.get(EntryRdev, "archive_entry_rdev");
  Lib.get(EntryRdevmajor, "archive_entry_rdevmajor");
  Lib.get(EntryRdevminor, "archive_entry_rdevminor");
  Lib.get(EntryXattrReset, "archive_entry_xattr_reset");
  Lib.get(EntryXattrNext, "archive_entry_xattr_next");
  Lib.get(EntrySetPathname, "archive_entry_set_pathname");
  Lib.get(EntrySetFiletype, "archive_entry_set_filetype");
  Lib.get(EntrySetPerm, "archive_entry_set_perm");
  Lib.get(EntrySetSize, "archive_entry_set_size");
  Lib.get(EntrySetUid, "archive_entry_set_uid");
  Lib.get(EntrySetGid, "archive_entry_set_gid");
  Lib.get(EntrySetMtime, "archive_entry_set_mtime");
  Lib.get(EntrySetHardlink, "archive_entry_set_hardlink");
  Lib.get(EntrySetSymlink, "archive_entry_set_symlink");
  Lib.get(EntrySetRdevmajor, "archive_entry_set_rdevmajor");
  Lib.get(EntrySetRdevminor, "archive_entry_set_rdevminor");
  Lib.get(EntryXattrAddEntry, "archive_entry_xattr_add_entry");
  Lib.get(ErrorString, "archive_error_string");
  Lib.get(SetError, "archive_set_error");
  Error = Lib.finish();
}

const ArchiveApi &archiveApi() {
  static const ArchiveApi Api;
  return Api;
}

} // namespace ballast::oci
