using System.Globalization;

namespace GoTraceEngine.State;

/// <summary>A Go release (major.minor), as in <c>go1.22.3</c> or <c>1.19</c>; the patch level does not change reason numbering.</summary>
/// <param name="Major">The major version (1).</param>
/// <param name="Minor">The minor version.</param>
public readonly record struct GoVersion(int Major, int Minor) : IComparable<GoVersion>
{
    /// <summary>The default when a trace does not say: Go 1.22, the first release with today's traceBlockReason numbering.</summary>
    public static GoVersion Default { get; } = new(1, 22);

    /// <summary>Parses <c>1.22</c>, <c>go1.22.3</c>, <c>go1.26rc1</c>.</summary>
    /// <param name="text">The version text.</param>
    /// <param name="version">The version.</param>
    /// <returns>Whether the text is a Go version.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out GoVersion version)
    {
        version = default;
        if (text.StartsWith("go", StringComparison.Ordinal))
        {
            text = text[2..];
        }

        int dot = text.IndexOf('.');
        if (dot <= 0)
        {
            return false;
        }

        ReadOnlySpan<char> minorText = text[(dot + 1)..];
        int end = 0;
        while (end < minorText.Length && char.IsAsciiDigit(minorText[end]))
        {
            end++;
        }

        if (!int.TryParse(text[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out int major)
            || !int.TryParse(minorText[..end], NumberStyles.None, CultureInfo.InvariantCulture, out int minor))
        {
            return false;
        }

        version = new GoVersion(major, minor);
        return true;
    }

    /// <inheritdoc/>
    public int CompareTo(GoVersion other) => Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    /// <summary>Compares versions.</summary>
    /// <param name="left">One version.</param>
    /// <param name="right">Another.</param>
    /// <returns>Whether <paramref name="left"/> is older.</returns>
    public static bool operator <(GoVersion left, GoVersion right) => left.CompareTo(right) < 0;

    /// <summary>Compares versions.</summary>
    /// <param name="left">One version.</param>
    /// <param name="right">Another.</param>
    /// <returns>Whether <paramref name="left"/> is newer.</returns>
    public static bool operator >(GoVersion left, GoVersion right) => left.CompareTo(right) > 0;

    /// <summary>Compares versions.</summary>
    /// <param name="left">One version.</param>
    /// <param name="right">Another.</param>
    /// <returns>Whether <paramref name="left"/> is older or equal.</returns>
    public static bool operator <=(GoVersion left, GoVersion right) => left.CompareTo(right) <= 0;

    /// <summary>Compares versions.</summary>
    /// <param name="left">One version.</param>
    /// <param name="right">Another.</param>
    /// <returns>Whether <paramref name="left"/> is newer or equal.</returns>
    public static bool operator >=(GoVersion left, GoVersion right) => left.CompareTo(right) >= 0;

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"go{Major}.{Minor}");
}
