using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using GoTraceEngine.Generation;

namespace GoTraceEngine.Benchmarks;

/// <summary>Medians, ratios to the baseline, and throughput columns; GitHub markdown and CSV for bench/results.</summary>
public sealed class BenchConfig : ManualConfig
{
    public BenchConfig()
    {
        Add(DefaultConfig.Instance);
        AddColumn(StatisticColumn.Median);
        AddColumn(new ThroughputColumn(Throughput.EventsPerSecond));
        AddColumn(new ThroughputColumn(Throughput.MegabytesPerSecond));
        AddColumn(new ThroughputColumn(Throughput.NanosecondsPerEvent));
        AddColumn(new ThroughputColumn(Throughput.BytesPerEntry));
        WithOptions(ConfigOptions.DisableLogFile);
        SummaryStyle = SummaryStyle.Default.WithRatioStyle(RatioStyle.Trend);
    }
}

internal enum Throughput
{
    EventsPerSecond,
    MegabytesPerSecond,
    NanosecondsPerEvent,
    BytesPerEntry,
}

/// <summary>Computed in the host from the median and the generated input's size (regenerated there, deterministically).</summary>
internal sealed class ThroughputColumn(Throughput kind) : IColumn
{
    private static readonly Dictionary<TraceFormat, (long Events, long Bytes)> s_sizes = [];
    private static readonly Dictionary<int, (double Dictionary, double OpenTable, double SplitTable)> s_entryBytes = [];

    public string Id => "GoTrace." + kind;

    public string ColumnName => kind switch
    {
        Throughput.EventsPerSecond => "Events/s",
        Throughput.MegabytesPerSecond => "MB/s",
        Throughput.NanosecondsPerEvent => "ns/event",
        _ => "B/entry",
    };

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => (int)kind;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => kind switch
    {
        Throughput.EventsPerSecond => "Trace events processed per second (median)",
        Throughput.MegabytesPerSecond => "Input megabytes (10^6) processed per second (median)",
        Throughput.NanosecondsPerEvent => "Median time per trace event",
        _ => "Bytes retained per live entry at the end (TableBench)",
    };

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        if (kind == Throughput.BytesPerEntry)
        {
            if (benchmarkCase.Descriptor.Type != typeof(TableBench) || benchmarkCase.Parameters["Live"] is not int live)
            {
                return "-";
            }

            if (!s_entryBytes.TryGetValue(live, out var bytes))
            {
                s_entryBytes[live] = bytes = TableWorkload.BytesPerEntry(live);
            }

            return (benchmarkCase.Descriptor.WorkloadMethod.Name switch
            {
                nameof(TableBench.OpenTable) or nameof(TableBench.OpenTableHugePages) => bytes.OpenTable,
                nameof(TableBench.SplitTable) => bytes.SplitTable,
                _ => bytes.Dictionary,
            }).ToString("0.0", c);
        }

        // Only PipelineBench and VerdictBench read BenchInputs' trace; the matrix-based benchmarks have their own columns.
        if (benchmarkCase.Descriptor.Type != typeof(PipelineBench) && benchmarkCase.Descriptor.Type != typeof(VerdictBench))
        {
            return "-";
        }

        if (benchmarkCase.Parameters["Format"] is not TraceFormat format || summary[benchmarkCase]?.ResultStatistics is not { } stats)
        {
            return "-";
        }

        if (!s_sizes.TryGetValue(format, out var size))
        {
            s_sizes[format] = size = (BenchInputs.EventCount(format), BenchInputs.Trace(format).LongLength);
        }

        double seconds = stats.Median / 1e9;
        return kind switch
        {
            Throughput.EventsPerSecond => (size.Events / seconds / 1e6).ToString("0.00", c) + " M",
            Throughput.MegabytesPerSecond => (size.Bytes / seconds / 1e6).ToString("0", c),
            _ => (stats.Median / size.Events).ToString("0.0", c),
        };
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
