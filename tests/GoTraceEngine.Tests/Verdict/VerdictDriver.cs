using GoTraceEngine.Parsing;
using GoTraceEngine.State;
using GoTraceEngine.Verdict;

namespace GoTraceEngine.Tests.Verdict;

/// <summary>
/// Drives a <see cref="LeakVerdict"/> from the events an engine applies, as the engine's own park / ready / destroy
/// handling will: the per-goroutine bookkeeping the engine's tables will hold (group index, park time, wait object) is
/// kept here in a pre-sized dictionary. Also classifies the engine's blocked goroutines at a cut.
/// </summary>
internal sealed class VerdictDriver
{
    private readonly Dictionary<ulong, GoroutineState> _goroutines;
    private bool _clockChosen;

    public VerdictDriver(int capacity = 1024, VerdictOptions options = default)
    {
        _goroutines = new Dictionary<ulong, GoroutineState>(capacity);
        Verdict = new LeakVerdict(options);
    }

    public LeakVerdict Verdict { get; }

    /// <summary>The reason table in force (the engine's; a header can change it).</summary>
    public ReasonTable Reasons { get; set; } = ReasonTable.TraceBlockReason;

    /// <summary>A sink-side engine whose reason table the driver follows; optional.</summary>
    public TraceEngine<VerdictSink>? Engine { get; set; }

    public static TraceEngine<VerdictSink> CreateEngine(VerdictDriver driver, TraceEngineOptions options = default)
    {
        var engine = new TraceEngine<VerdictSink>(options, new VerdictSink { Driver = driver });
        driver.Engine = engine;
        return engine;
    }

    public void OnEvent(in TraceEvent e)
    {
        LeakVerdict verdict = Verdict;
        if (!_clockChosen)
        {
            _clockChosen = true;
            verdict.Clock = e.Has(TraceEventFields.Timestamp) ? VerdictClock.Nanoseconds : VerdictClock.Events;
        }

        long now = verdict.Clock == VerdictClock.Events ? e.LineNumber
            : e.Has(TraceEventFields.Timestamp) || e.Timestamp != 0 ? e.Timestamp : Math.Max(verdict.Now, 0);
        ulong g = e.GPointer;
        switch (e.Kind)
        {
            case TraceEventKind.Create:
            {
                ref GoroutineState state = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_goroutines, g, out bool exists);
                if (exists && state.Blocked)
                {
                    // Its destroy was missed: the park it was in has ended.
                    verdict.OnRelease(state.Group, state.WaitObject, state.ParkTime, now);
                }
                else
                {
                    verdict.OnActivity(now);
                }

                state = new GoroutineState { StartFunction = e.StartFunction, Creator = e.Creator };
                break;
            }

            case TraceEventKind.Park:
            {
                ref GoroutineState state = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrNullRef(_goroutines, g);
                if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref state))
                {
                    verdict.OnActivity(now);
                    break;
                }

                if (state.StartFunction == 0)
                {
                    state.StartFunction = e.StartFunction;
                }

                if (state.Creator == 0)
                {
                    state.Creator = e.Creator;
                }

                ReasonTable reasons = Engine?.Reasons ?? Reasons;
                if (reasons.IsBlocking(e.Reason))
                {
                    if (state.Blocked && state.Reason == e.Reason)
                    {
                        // The same park seen twice (gopark's prologue retried): keep its start.
                        verdict.OnActivity(now);
                        break;
                    }

                    if (state.Blocked)
                    {
                        verdict.OnRelease(state.Group, state.WaitObject, state.ParkTime, now);
                    }

                    state.Group = verdict.OnPark(state.StartFunction, state.Creator, e.Reason, e.WaitObject, now);
                    state.Blocked = true;
                    state.Reason = e.Reason;
                    state.WaitObject = e.WaitObject;
                    state.ParkTime = now;
                }
                else if (state.Blocked)
                {
                    state.Blocked = false;
                    verdict.OnRelease(state.Group, state.WaitObject, state.ParkTime, now);
                }
                else
                {
                    verdict.OnActivity(now);
                }

                break;
            }

            case TraceEventKind.Ready:
            {
                ref GoroutineState state = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrNullRef(_goroutines, g);
                if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref state))
                {
                    verdict.OnUntrackedRelease(now);
                }
                else if (state.Blocked)
                {
                    state.Blocked = false;
                    verdict.OnRelease(state.Group, state.WaitObject, state.ParkTime, now);
                }
                else
                {
                    verdict.OnActivity(now);
                }

                break;
            }

            case TraceEventKind.Destroy:
                if (_goroutines.Remove(g, out GoroutineState gone) && gone.Blocked)
                {
                    verdict.OnRelease(gone.Group, gone.WaitObject, gone.ParkTime, now);
                }
                else
                {
                    verdict.OnActivity(now);
                }

                break;
            default:
                verdict.Advance(now);
                break;
        }
    }

    /// <summary>The verdict on a goroutine the engine holds blocked, or false when the driver never saw its park.</summary>
    public bool TryClassify(ulong g, out VerdictEvidence evidence)
    {
        if (_goroutines.TryGetValue(g, out GoroutineState state) && state.Blocked)
        {
            evidence = Verdict.Classify(state.Group, state.WaitObject, state.ParkTime);
            return true;
        }

        evidence = default;
        return false;
    }

    private struct GoroutineState
    {
        public ulong WaitObject;
        public long ParkTime;
        public int StartFunction;
        public int Creator;
        public int Group;
        public byte Reason;
        public bool Blocked;
    }
}

/// <summary>The struct sink the engine calls: forwards each applied event to the driver.</summary>
internal struct VerdictSink : ITraceSink
{
    public VerdictDriver? Driver;

    public readonly void OnEvent(in TraceEvent e) => Driver!.OnEvent(in e);
}
