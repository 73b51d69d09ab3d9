namespace GoTraceEngine.State;

/// <summary>
/// Names the park reason codes a tracer prints and says which of them mean "blocked": waiting on something only
/// another goroutine can provide, so that staying there forever is a leak. One table per numbering and Go era.
/// </summary>
/// <remarks>
/// Values the table does not know are named <c>unknown(N)</c> and are not blocking (point releases can append values).
/// Immutable and thread-safe.
/// </remarks>
public sealed partial class ReasonTable
{
    private readonly string?[] _names;
    private readonly bool[] _blocking = new bool[256];
    private readonly byte[] _keys = new byte[256];

    private ReasonTable(string id, ReasonNumbering numbering, string?[] names, ReadOnlySpan<int> blocking)
    {
        Id = id;
        Numbering = numbering;
        _names = names;
        foreach (int code in blocking)
        {
            _blocking[code] = true;
        }

        for (int code = 0; code < 256; code++)
        {
            _keys[code] = code < names.Length && names[code] is { } name ? ReasonKeys.Register(name) : ReasonKeys.Unknown;
        }
    }

    /// <summary>The numbering-independent key of <paramref name="code"/>'s name (<see cref="ReasonKeys"/>).</summary>
    internal byte KeyOf(byte code) => _keys[code];

    /// <summary>The code this table gives the reason behind <paramref name="key"/>, or -1 when it has none.</summary>
    internal int CodeOf(byte key) => Array.IndexOf(_keys, key) is var code && code >= 0 && key != ReasonKeys.Unknown ? code : -1;

    /// <summary>A short identifier of the numbering and era, as reports show it (<c>traceBlockReason/go1.22+</c>).</summary>
    public string Id { get; }

    /// <summary>Which enum the codes come from.</summary>
    public ReasonNumbering Numbering { get; }

    /// <summary>Whether a park with <paramref name="code"/> blocks the goroutine.</summary>
    /// <param name="code">The reason code.</param>
    /// <returns><see langword="true"/> for blocking reasons.</returns>
    public bool IsBlocking(byte code) => _blocking[code];

    /// <summary>The runtime's name for <paramref name="code"/>, or <c>unknown(N)</c>.</summary>
    /// <param name="code">The reason code.</param>
    /// <returns>The name.</returns>
    public string GetName(byte code) => code < _names.Length && _names[code] is { } name ? name : $"unknown({code})";

    /// <summary>Whether the table has a name for <paramref name="code"/>.</summary>
    /// <param name="code">The reason code.</param>
    /// <returns><see langword="true"/> when the code is known.</returns>
    public bool IsKnown(byte code) => code < _names.Length && _names[code] is not null;

    /// <summary>The table for a numbering and Go version.</summary>
    /// <param name="numbering">Which enum.</param>
    /// <param name="version">The traced program's Go version.</param>
    /// <returns>The table.</returns>
    /// <exception cref="ArgumentException">No table is known for that combination (waitReason before Go 1.21).</exception>
    public static ReasonTable For(ReasonNumbering numbering, GoVersion version) =>
        TryFor(numbering, version, out ReasonTable? table)
            ? table
            : throw new ArgumentException($"No waitReason table is known for {version}: use the trace numbering.", nameof(version));

    /// <summary>The table for a numbering and Go version, if one is known.</summary>
    /// <param name="numbering">Which enum.</param>
    /// <param name="version">The traced program's Go version.</param>
    /// <param name="table">The table.</param>
    /// <returns>Whether a table is known.</returns>
    public static bool TryFor(ReasonNumbering numbering, GoVersion version, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ReasonTable? table)
    {
        if (numbering == ReasonNumbering.Trace)
        {
            table = version >= new GoVersion(1, 22) ? TraceBlockReason : TraceEventNumbers;
            return true;
        }

        if (numbering != ReasonNumbering.Wait)
        {
            table = null;
            return false;
        }

        table = version.Minor switch
        {
            _ when version.Major != 1 => null,
            21 => Wait121,
            22 => Wait122,
            23 => Wait123,
            24 => Wait124,
            25 => Wait125,
            >= 26 => Wait126,
            _ => null,
        };
        return table is not null;
    }
}
