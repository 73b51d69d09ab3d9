using System.Globalization;
using System.Text;
using GoTraceEngine.Parsing;
using GoTraceEngine.State;

namespace GoTraceEngine.Reporting;

/// <summary>
/// Names as Go's own tracebacks print them, from the trace's symbol lines (<c># gotrace wrapper …</c>,
/// <c># gotrace site …</c>, written by <c>gotrace trace</c> or <c>gotrace script --symbols</c> from the binary): the
/// function a compiler wrapper for <c>go f(args)</c> calls, and where each go statement is. Filled on the rare path (a
/// few lines per binary); read when a report is built. A saved trace carries them, so a replay names goroutines the
/// same way without the binary.
/// </summary>
internal sealed class GoNames
{
    private readonly Dictionary<string, string> _wrapped = new(StringComparer.Ordinal);
    private readonly Dictionary<ulong, (string Function, string Location)> _sites = [];

    /// <summary>Wrapper lines read.</summary>
    public int Wrappers => _wrapped.Count;

    /// <summary>Site lines read.</summary>
    public int Sites => _sites.Count;

    /// <summary>Reads a symbol line (the parser classified it as <see cref="LineCategory.Symbol"/>).</summary>
    public void Add(ReadOnlySpan<byte> line)
    {
        if (SymbolLineParser.TryParseWrapper(line, out WrapperSymbol wrapper, out _))
        {
            _wrapped[Printed(wrapper.Wrapper)] = Printed(wrapper.Wrapped);
        }
        else if (SymbolLineParser.TryParseSite(line, out SiteSymbol site, out _))
        {
            _sites[site.Pc] = (Printed(site.Function),
                Encoding.UTF8.GetString(site.File) + ":" + site.Line.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>A symbol line's function as tracebacks print it, as the trace's <c>fn=</c> names are interned.</summary>
    private static string Printed(ReadOnlySpan<byte> symbol)
    {
        Span<byte> buffer = stackalloc byte[1024];
        return Encoding.UTF8.GetString(EventFieldParser.PrintedName(symbol, buffer));
    }

    /// <summary>
    /// A name from elsewhere (a baseline written by an earlier version, which kept a generic function's type
    /// arguments) as the engine names functions now; null stays null.
    /// </summary>
    public static string? Printed(string? name) =>
        name is null || !name.Contains('[', StringComparison.Ordinal) ? name : Printed(Encoding.UTF8.GetBytes(name));

    /// <summary>
    /// A goroutine's start function as a traceback shows it: the function its wrapper calls, with the wrapper as
    /// the tracer saw it (null when it is not a wrapper).
    /// </summary>
    public (string? Function, string? Wrapper) StartFunction(string? traced) =>
        traced is not null && _wrapped.TryGetValue(traced, out string? wrapped) ? (wrapped, traced) : (traced, null);

    /// <summary>A goroutine's creator and, when the trace has its go statement's site, the statement's <c>file:line</c>.</summary>
    public (string? Creator, string? Location) Creator(int key, CreatorSites sites, NameTable names)
    {
        int name = sites.NameOf(key);
        string? traced = name == 0 ? null : names.GetName(name);
        if (CreatorSites.IsSite(key) && _sites.TryGetValue(sites.Get(key).Pc, out var site))
        {
            return (site.Function, site.Location);
        }

        return (traced, null);
    }
}
