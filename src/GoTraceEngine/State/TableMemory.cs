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

    /// <summary>
    /// The table size from which growth trades probe length for memory (<see cref="OpenTable{TValue}"/>: 1.5× and 4/3×
    /// steps at 2/3 load): 8 MiB, past the last-level cache these machines give one process (random reads over 8 MB
    /// cost 131 ns, over 4 MB 16 ns), where every probe run is a miss anyway and the table's size is what a user sees.
    /// </summary>
    public const int DenseFromBytes = 8 << 20;

    /// <summary>
    /// The dense threshold new tables use: <see cref="DenseFromBytes"/>, or never (doubling at every size) when
    /// <c>GOTRACE_TABLE_GROWTH=doubling</c> (for A/B measurements).
    /// </summary>
    public static nuint DefaultDenseFromBytes { get; } =
        string.Equals(Environment.GetEnvironmentVariable("GOTRACE_TABLE_GROWTH"), "doubling", StringComparison.OrdinalIgnoreCase) ? nuint.MaxValue : DenseFromBytes;

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
    /// <remarks>
    /// Huge-page blocks on Linux are mapped from the kernel directly (<c>mmap</c>, trimmed to a 2 MB boundary), not
    /// taken from <c>malloc</c>: a table that grows frees its old block, and <c>malloc</c> keeps freed blocks under its
    /// mmap threshold (up to 32 MB, raised by every large free) in its arenas, still resident. On a replay of a million
    /// live goroutines that kept 36 MB of old blocked-table blocks in the process's RSS to the end. A mapping also comes
    /// zeroed, page by page as it is touched, so nothing clears it up front.
    /// </remarks>
    /// <returns>The block; free it with <see cref="Free"/>.</returns>
    public static NativeRegion AllocateNative(nuint bytes, bool hugePages)
    {
        if (hugePages && bytes >= HugePageSize && HugePagesAvailable)
        {
            nuint rounded = (bytes + HugePageSize - 1) & ~(nuint)(HugePageSize - 1);
            void* mapped = OperatingSystem.IsLinux() ? TryMapAligned(rounded) : null;
            if (mapped != null)
            {
                Advise(mapped, rounded);
                return new NativeRegion(mapped, rounded, mapped: true);
            }

            void* block = NativeMemory.AlignedAlloc(rounded, HugePageSize);
            Advise(block, rounded);
            NativeMemory.Clear(block, bytes);
            return new NativeRegion(block, rounded, mapped: false);
        }

        void* small = NativeMemory.AlignedAlloc(bytes == 0 ? 1 : bytes, CacheLine);
        NativeMemory.Clear(small, bytes);
        return new NativeRegion(small, bytes, mapped: false);
    }

    /// <summary>Returns a block from <see cref="AllocateNative"/> to the system (a mapping) or to the allocator.</summary>
    public static void Free(NativeRegion region)
    {
        if (region.Address == null)
        {
            return;
        }

        if (region.Mapped)
        {
            _ = Munmap((nint)region.Address, region.Length);
        }
        else
        {
            NativeMemory.AlignedFree(region.Address);
        }
    }

    /// <summary>
    /// Gives the pages of <paramref name="length"/> bytes at <paramref name="offset"/> in <paramref name="region"/> back to
    /// the system, keeping the mapping (<c>madvise(MADV_DONTNEED)</c>): read again, they would be zero. Only for a mapped
    /// block; elsewhere, or where the call fails, nothing happens and the pages go back with the block.
    /// </summary>
    /// <returns>Whether the pages were given back.</returns>
    public static bool Discard(NativeRegion region, nuint offset, nuint length)
    {
        if (!region.Mapped || length == 0 || offset + length > region.Length)
        {
            return false;
        }

        try
        {
            return Madvise((nint)((byte*)region.Address + offset), length, MadvDontNeed) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not Linux's libc: the pages are returned when the block is.
            return false;
        }
    }

    /// <summary>Maps <paramref name="bytes"/> (a multiple of 2 MB) of anonymous memory at a 2 MB boundary, or returns null.</summary>
    private static void* TryMapAligned(nuint bytes)
    {
        nint start;
        try
        {
            start = Mmap(0, bytes + HugePageSize, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }

        if (start == -1)
        {
            return null;
        }

        // Map one huge page more than asked, then give back what lies before the first 2 MB boundary and after the block.
        nuint aligned = ((nuint)start + HugePageSize - 1) & ~(nuint)(HugePageSize - 1);
        nuint head = aligned - (nuint)start;
        if (head != 0)
        {
            _ = Munmap(start, head);
        }

        nuint tail = HugePageSize - head;
        if (tail != 0)
        {
            _ = Munmap((nint)(aligned + bytes), tail);
        }

        return (void*)aligned;
    }

    /// <summary>Counts the bytes of <paramref name="block"/> backed by huge pages (Linux, from /proc/self/smaps; 0 elsewhere). For tests and benchmarks.</summary>
    public static long HugePageBytes(void* block) => MappingBytes(block, "AnonHugePages:");

    /// <summary>Counts the resident bytes of the mapping that holds <paramref name="region"/> (Linux, from /proc/self/smaps; 0 elsewhere). For tests.</summary>
    public static long ResidentBytes(NativeRegion region) => MappingBytes(region.Address, "Rss:");

    /// <summary>One kB figure of /proc/self/smaps, in bytes, for the mapping that holds <paramref name="block"/>.</summary>
    private static long MappingBytes(void* block, string key)
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
            else if (inside && line.StartsWith(key, StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(key.Length).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture) * 1024;
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

    private const int MadvDontNeed = 4;
    private const int ProtRead = 1;
    private const int ProtWrite = 2;
    private const int MapPrivate = 0x02;
    private const int MapAnonymous = 0x20;

    [LibraryImport("libc", EntryPoint = "mmap")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "munmap")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial int Munmap(nint address, nuint length);

    [LibraryImport("libc", EntryPoint = "madvise")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial int Madvise(nint address, nuint length, int advice);
}

/// <summary>A block of table memory: where it starts, how long it is, and whether it is a mapping of its own.</summary>
internal readonly unsafe struct NativeRegion(void* address, nuint length, bool mapped)
{
    /// <summary>The first byte.</summary>
    public void* Address { get; } = address;

    /// <summary>The bytes held.</summary>
    public nuint Length { get; } = length;

    /// <summary>Whether the block is a mapping of its own (returned with <c>munmap</c>) rather than from the allocator.</summary>
    public bool Mapped { get; } = mapped;

    /// <summary>The first byte's address.</summary>
    public nint Start => (nint)Address;

    /// <summary>The block's bytes (blocks under 2 GB).</summary>
    public Span<byte> AsSpan() => new(Address, checked((int)Length));
}
