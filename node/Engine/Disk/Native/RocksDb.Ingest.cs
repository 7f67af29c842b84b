using System.Runtime.InteropServices;

namespace Istore.Node.Engine.Disk.Native;

internal sealed unsafe partial class RocksDb
{
    /// <summary>A writer of an SST file at <paramref name="path"/> with the table settings of family <paramref name="family"/>.</summary>
    public SstFileWriter CreateSstWriter(string family, string path) => new(_optionsByFamily[family], path);

    /// <summary>
    /// Adds SST files to a column family in one step (readers see all of them or none), moving
    /// them in (hard links). Their keys are newer than everything already written.
    /// </summary>
    public void Ingest(ColumnFamily family, IReadOnlyList<string> paths) => Ingest(family, paths, verify: false);

    /// <summary>
    /// Ingests hard links to the files, leaving them where they are, after reading every block of
    /// them against its checksum: what a scratch database does to check files before they are used.
    /// </summary>
    public void IngestVerified(ColumnFamily family, IReadOnlyList<string> paths) => Ingest(family, paths, verify: true);

    private void Ingest(ColumnFamily family, IReadOnlyList<string> paths, bool verify)
    {
        nint options = RocksDbNative.IngestOptionsCreate();
        var names = paths.Select(Marshal.StringToCoTaskMemUTF8).ToArray();
        try
        {
            if (verify)
            {
                RocksDbNative.IngestOptionsSetLinkFiles(options, 1);
                RocksDbNative.IngestOptionsSetVerifyChecksums(options, 1);
            }
            else
            {
                RocksDbNative.IngestOptionsSetMoveFiles(options, 1);
            }
            nint err;
            fixed (nint* pointers = names)
                RocksDbNative.IngestExternalFileCf(_db, family.Handle, (byte**)pointers, (nuint)names.Length, options, out err);
            RocksDbException.ThrowIfError(err);
        }
        finally
        {
            foreach (var name in names)
                Marshal.FreeCoTaskMem(name);
            RocksDbNative.IngestOptionsDestroy(options);
        }
    }

    /// <summary>Writes every family's memtables to SST files and waits for it (writers go on meanwhile).</summary>
    public void FlushMemtables()
    {
        nint options = RocksDbNative.FlushOptionsCreate();
        try
        {
            RocksDbNative.FlushOptionsSetWait(options, 1);
            var handles = _families.Values.Select(f => f.Handle).ToArray();
            nint err;
            fixed (nint* pointers = handles)
                RocksDbNative.FlushCfs(_db, options, pointers, handles.Length, out err);
            RocksDbException.ThrowIfError(err);
        }
        finally
        {
            RocksDbNative.FlushOptionsDestroy(options);
        }
    }
}
