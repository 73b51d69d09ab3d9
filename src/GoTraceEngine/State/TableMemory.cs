using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GoTraceEngine.State;

/// <summary>Where an <see cref="OpenTable{TValue}"/> keeps its entries.</summary>
internal enum TableMemoryKind : byte
{
    /// <summary>A pinned managed array (pinned object heap): what the GC owns, on every platform.</summary>
    Managed = 0,

    /// <summary>Native memory aligned to a cache line (64 B), freed when the table grows or is collected.</summary>
    Native = 1,

    /// <summary>
    /// Native memory aligned to 2 MB and advised <c>MADV_HUGEPAGE</c> before first touch, so Linux backs it with
    /// transparent huge pages (one TLB entry per 2 MB instead of per 4 KB: a random probe into a 96 MB table no longer
    /// misses the TLB as well as the caches). Blocks under 2 MB, and systems without <c>madvise</c>, get
    /// <see cref="Native"/>.
    /// </summary>
    HugePages = 2,
}

/// <summary>Entry memory for the goroutine tables: allocation, alignment, the huge-page advice, and the default kind.</summary>
/// <remarks>Thread-safe (stateless but for the default, read once).</remarks>
internal static unsafe partial class TableMemory
{
    /// <summary>A transparent huge page on x86-64 and arm64 (4 KB base pages).</summary>
    public const int HugePageSize = 2 << 20;

    /// <summary>A cache line.</summary>
    public const int CacheLine = 64;

    /// <summary>The table size from which prefetching pays: 1 MiB, past a Zen core's 512 KB L2 (and most Intel cores' 1–2 MB).</summary>
    public const int PrefetchFromBytes = 1 << 20;

    private const int MadvHugePage = 14;

    private static int s_madviseWorks = OperatingSystem.IsLinux() ? 1 : 0;

    /// <summary>
    /// The kind new tables use: <see cref="TableMemoryKind.HugePages"/> on Linux, <see cref="TableMemoryKind.Managed"/>
    /// elsewhere; <c>GOTRACE_TABLE_MEMORY=managed|native|hugepages</c> overrides it (for A/B measurements).
    /// </summary>
    public static TableMemoryKind Default { get; } = ReadDefault();

    /// <summary>Whether <c>madvise(MADV_HUGEPAGE)</c> has worked (or not yet been tried) in this process.</summary>
    public static bool HugePagesAvailable => Volatile.Read(ref s_madviseWorks) != 0;

    private static TableMemoryKind ReadDefault()
    {
        string? forced = Environment.GetEnvironmentVariable("GOTRACE_TABLE_MEMORY");
        if (forced is not null)
        {
            if (forced.Equals("managed", StringComparison.OrdinalIgnoreCase))
            {
                return TableMemoryKind.Managed;
            }

            if (forced.Equals("native", StringComparison.OrdinalIgnoreCase))
            {
                return TableMemoryKind.Native;
            }

            if (forced.Equals("hugepages", StringComparison.OrdinalIgnoreCase))
            {
                return TableMemoryKind.HugePages;
            }
        }

        return OperatingSystem.IsLinux() ? TableMemoryKind.HugePages : TableMemoryKind.Managed;
    }

    /// <summary>
    /// Allocates <paramref name="bytes"/> of zeroed native memory aligned to a cache line, or to a huge page (advised
    /// before it is touched) when <paramref name="hugePages"/> and the block is at least one huge page.
    /// </summary>
    /// <returns>The block; free it with <see cref="NativeMemory.AlignedFree"/>.</returns>
    public static void* AllocateNative(nuint bytes, bool hugePages)
    {
        if (hugePages && bytes >= HugePageSize && HugePagesAvailable)
        {
            nuint rounded = (bytes + HugePageSize - 1) & ~(nuint)(HugePageSize - 1);
            void* block = NativeMemory.AlignedAlloc(rounded, HugePageSize);
            Advise(block, rounded);
            NativeMemory.Clear(block, bytes);
            return block;
        }

        void* small = NativeMemory.AlignedAlloc(bytes == 0 ? 1 : bytes, CacheLine);
        NativeMemory.Clear(small, bytes);
        return small;
    }

    /// <summary>Counts the bytes of <paramref name="block"/> backed by huge pages (Linux, from /proc/self/smaps; 0 elsewhere). For tests and benchmarks.</summary>
    public static long HugePageBytes(void* block)
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/proc/self/smaps"))
        {
            return 0;
        }

        ulong address = (ulong)block;
        bool inside = false;
        foreach (string line in File.ReadLines("/proc/self/smaps"))
        {
            int dash = line.IndexOf('-', StringComparison.Ordinal);
            int space = line.IndexOf(' ', StringComparison.Ordinal);
            if (dash > 0 && space > dash && ulong.TryParse(line.AsSpan(0, dash), System.Globalization.NumberStyles.HexNumber, null, out ulong start)
                && ulong.TryParse(line.AsSpan(dash + 1, space - dash - 1), System.Globalization.NumberStyles.HexNumber, null, out ulong end))
            {
                inside = address >= start && address < end;
            }
            else if (inside && line.StartsWith("AnonHugePages:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(14).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }

    private static void Advise(void* block, nuint bytes)
    {
        try
        {
            if (Madvise((nint)block, bytes, MadvHugePage) != 0)
            {
                // EINVAL: a kernel built without transparent huge pages. The block still works, in small pages.
                Volatile.Write(ref s_madviseWorks, 0);
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            Volatile.Write(ref s_madviseWorks, 0);
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial int Madvise(nint address, nuint length, int advice);
}
