using System.Runtime.InteropServices;

namespace Causeway.Authority;

/// <summary>Names in a folder that survive a power loss. Syncing a file makes its bytes durable but
/// not its name: a creation or a rename is on disk only once the folder holding it is synced, so
/// without that a power loss soon after can leave the old name, or none.</summary>
public static class DurableFolder
{
    /// <summary>Renames <paramref name="source"/> (already synced) to <paramref name="destination"/>, durably.</summary>
    public static void Move(string source, string destination, bool overwrite)
    {
        File.Move(source, destination, overwrite);
        Sync(Path.GetDirectoryName(Path.GetFullPath(destination))!);
    }

    /// <summary>Makes the creations, renames and deletions in <paramref name="folder"/> durable.
    /// Windows has no such call (NTFS journals names), so there it does nothing.</summary>
    public static void Sync(string folder)
    {
        if (OperatingSystem.IsWindows()) return;
        int fd = Open(folder, 0); // O_RDONLY: all a folder sync needs, the same value on Linux and macOS
        if (fd < 0) throw new IOException($"Cannot open the folder '{folder}' to sync it (errno {Marshal.GetLastPInvokeError()}).");
        try
        {
            if (Fsync(fd) != 0) throw new IOException($"Cannot sync the folder '{folder}' (errno {Marshal.GetLastPInvokeError()}).");
        }
        finally { Close(fd); }
    }

    // libc's open, fsync and close, resolved in the process's global scope as a linked call is (a
    // DllImport of "libc" would bind inside libc itself, past any preloaded interposer such as the
    // power-loss tests' recorder).
    private static readonly Lazy<(OpenCall Open, FdCall Fsync, FdCall Close)> Libc = new(() =>
    {
        var scope = NativeLibrary.GetMainProgramHandle();
        return (Marshal.GetDelegateForFunctionPointer<OpenCall>(NativeLibrary.GetExport(scope, "open")),
            Marshal.GetDelegateForFunctionPointer<FdCall>(NativeLibrary.GetExport(scope, "fsync")),
            Marshal.GetDelegateForFunctionPointer<FdCall>(NativeLibrary.GetExport(scope, "close")));
    });

    private static int Open(string path, int flags) => Libc.Value.Open(path, flags);
    private static int Fsync(int fd) => Libc.Value.Fsync(fd);
    private static int Close(int fd) => Libc.Value.Close(fd);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl, SetLastError = true)]
    private delegate int OpenCall([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl, SetLastError = true)]
    private delegate int FdCall(int fd);
}
