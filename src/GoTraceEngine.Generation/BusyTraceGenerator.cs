namespace GoTraceEngine.Generation;

/// <summary>
/// Simulates a busy Go server and writes its trace in the full event format, mid-flight: keep-alive connections idle in
/// <c>select</c>, requests queued behind a semaphore (and an overload phase that queues them for many seconds), fetchers
/// sending results to their handler, a worker pool idle between bursts of jobs, batch workers, long polls, keep-alive
/// tickers, <c>sync.Cond</c> drainers, store updates contending on mutexes, watchers, and leak incidents at random
/// times that keep accumulating: fetchers sending to a handler that gave up, batch workers on a channel nobody closes,
/// a <c>select</c> that never fires, a mutex never unlocked, a <c>sync.Cond</c> never signalled.
/// </summary>
/// <remarks>
/// <para>The generator knows the truth: <see cref="Write"/> returns every leaked goroutine with the line of the park it
/// never leaves, so a trace cut at any line can be scored (<see cref="BusyTraceTruth.IsLeakedAt"/>).</para>
/// <para>The same options write the same bytes. Not thread-safe; one instance writes one trace.</para>
/// </remarks>
/// <example><code>
/// using var stream = new MemoryStream();
/// BusyTraceTruth truth = new BusyTraceGenerator(new BusyTraceOptions { Seed = 1, Live = 10_000 }).Write(stream);
/// </code></example>
public sealed partial class BusyTraceGenerator
{
    private const long Ms = 1_000_000;
    private const long Sec = 1_000_000_000;
    private const long Start = 1_000_000_000;
    private const ulong GBase = 0xc000200000UL;
    private const ulong GSize = 0x1a0;
    private const ulong ParentG = 0xc000006000UL;
    private const ulong ObjBase = 0xc010000000UL;
    private const int PoolWorkers = 16;
    private const int BatchWorkers = 3;
    private const int Drainers = 4;
    private const int Stores = 3;
    private const int Tickers = 4;
    private const double MeanServiceSeconds = 0.045;

    private static readonly (byte[] Fn, byte[] Creator)[] s_names =
    [
        (N("main.(*Conn).readLoop"), N("net/http.(*Server).Serve")),
        (N("main.(*Server).handle"), N("main.(*Server).Serve")),
        (N("main.fetch.func2"), N("main.fetch")),
        (N("main.(*Session).keepalive"), N("main.(*Server).handleSession")),
        (N("main.(*Client).longPoll"), N("main.(*Client).Start")),
        (N("main.worker"), N("main.(*Pool).Start")),
        (N("main.worker"), N("main.startBatch")),
        (N("main.(*Queue).drain"), N("main.(*Queue).Start")),
        (N("main.(*Queue).drain"), N("main.restartQueue")),
        (N("main.watch.func1"), N("main.watch")),
        (N("main.(*Store).update"), N("main.(*Store).Sync")),
        (N("main.(*Ticker).loop"), N("main.main")),
    ];

    private readonly BusyTraceOptions _options;
    private readonly Random _random;
    private readonly PriorityQueue<Item, long> _queue = new();
    private readonly List<Gor> _gors = [];
    private readonly Stack<int> _freeSlots = new();
    private readonly Stack<ulong> _freeGs = new();
    private readonly List<Request> _requests = [];
    private readonly Stack<int> _freeRequests = new();
    private readonly List<Batch> _batches = [];
    private readonly Queue<int> _semaphoreWaiters = new();
    private readonly Store[] _stores = new Store[Stores];
    private readonly List<PendingLeak> _leaks = [];
    private readonly long _attach;
    private readonly long _end;
    private readonly long _overloadStart;
    private readonly long _overloadEnd;
    private readonly int _sessions;
    private readonly int _pollers;
    private readonly int _conns;
    private readonly double _arrivalsPerSecond;
    private readonly int _semaphoreCapacity;
    private FullFormatWriter _writer = null!;
    private long _now;
    private ulong _nextG = GBase;
    private ulong _nextObj = ObjBase;
    private long _nextGoId = 1;
    private int _semaphoreInUse;
    private ulong _semaphore;
    private ulong _cacheMutex;
    private Pool _pool;
    private DrainQueue _drainQueue;
    private bool _timeoutNextRequest;
    private bool _abandonNextBatch;
    private bool _shutdown;
    private long _invisibleLeaks;

    /// <summary>Creates a generator.</summary>
    /// <param name="options">What to simulate.</param>
    public BusyTraceGenerator(BusyTraceOptions options)
    {
        _options = options;
        _random = new Random(options.Seed);
        _attach = Start + (long)(options.AttachAfter.TotalSeconds * Sec);
        long duration = (long)(options.Duration.TotalSeconds * Sec);
        _end = _attach + duration;
        _overloadStart = options.NoOverload ? long.MaxValue : _attach + (duration * 3 / 10);
        _overloadEnd = options.NoOverload ? long.MaxValue : _attach + (duration / 2);
        int live = options.Live;
        _sessions = Math.Clamp(live / 50, 4, 400);
        _pollers = Math.Clamp(live / 20, 4, 2000);
        _conns = Math.Max(20, live - _sessions - _pollers - 40);
        _arrivalsPerSecond = Math.Clamp(live / 10.0, 20, 300);
        _semaphoreCapacity = Math.Max(2, (int)Math.Round(_arrivalsPerSecond * MeanServiceSeconds / 0.65));
    }

    /// <summary>Leaked goroutines created before the tracer attached: real leaks the trace cannot show (not in the truth).</summary>
    public long InvisibleLeaks => _invisibleLeaks;

    /// <summary>Runs the simulation and writes the trace to <paramref name="output"/>.</summary>
    /// <param name="output">The destination; not disposed.</param>
    /// <returns>What was written, with every leaked goroutine the trace shows.</returns>
    /// <exception cref="IOException">Writing failed.</exception>
    public BusyTraceTruth Write(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _writer = new FullFormatWriter(output, _options.Cpus);
        _writer.Header(TraceText.GenHeader);
        StartProgram();
        long stop = _options.Quiesce ? _end + (100 * Ms) + (2 * Sec) : _end;
        while (_queue.TryDequeue(out Item item, out long time) && time <= stop)
        {
            _now = time;
            Dispatch(item);
        }

        _now = stop;
        _writer.EndOfTrace(stop);
        var leaks = new List<BusyLeak>(_leaks.Count);
        foreach (PendingLeak leak in _leaks)
        {
            leaks.Add(new BusyLeak(leak.G, leak.GoId, leak.Kind, leak.Timestamp, _writer.LineOf(leak.Cpu, leak.Record)));
        }

        return new BusyTraceTruth(leaks, _writer.Lines, _writer.Events, _attach, stop, _options.Quiesce);
    }

    private static byte[] N(string name) => FullFormatWriter.Name(name);

    private bool Writing => _now >= _attach;

    // ---- The program: its long-lived goroutines and timers ----

    private void StartProgram()
    {
        _semaphore = NewObj();
        _cacheMutex = NewObj();
        for (int i = 0; i < Tickers; i++)
        {
            Wake(Spawn(Role.Ticker), Exp(Sec / 2));
        }

        for (int i = 0; i < _conns; i++)
        {
            StartConn(Uniform(10 * Sec));
        }

        for (int i = 0; i < _sessions; i++)
        {
            StartSession(Uniform(10 * Sec));
        }

        for (int i = 0; i < _pollers; i++)
        {
            StartPoller(Uniform(10 * Sec));
        }

        NewPool();
        NewDrainQueue();
        for (int i = 0; i < Stores; i++)
        {
            _stores[i] = new Store { Mutex = NewObj(), Waiters = new Queue<int>() };
            Timer(Act.StoreUpdate, Exp(2 * Sec), i);
        }

        Timer(Act.Arrival, Exp((long)(Sec / _arrivalsPerSecond)));
        Timer(Act.Burst, Exp(2 * Sec));
        Timer(Act.BatchStart, Exp(4 * Sec));
        Timer(Act.WatchStart, Exp(Sec));
        Timer(Act.Broadcast, Exp(1500 * Ms));
        Timer(Act.PoolRestart, Exp(40 * Sec));
        Timer(Act.QueueRestart, Exp(60 * Sec));
        _queue.Enqueue(new Item(-1, 0, Act.Drain, 0), _attach);
        _queue.Enqueue(new Item(-1, 0, Act.Tick, 0), _attach + 1);
        _queue.Enqueue(new Item(-1, 0, Act.Incident, 0), _attach + IncidentGap());
        if (_options.Quiesce)
        {
            _queue.Enqueue(new Item(-1, 0, Act.Shutdown, 0), _end);
        }
    }

    private long IncidentGap() => Math.Max(1, Exp((long)(60.0 * Sec / _options.LeakIncidentsPerMinute)));

    private void Dispatch(Item item)
    {
        if (item.Slot >= 0)
        {
            ref Gor g = ref Slot(item.Slot);
            if (g.Gen != item.Gen || g.Phase == Phase.Dead)
            {
                return;
            }

            if (item.Act == Act.Exit)
            {
                Exit(item.Slot);
            }
            else
            {
                Step(item.Slot);
            }

            return;
        }

        switch (item.Act)
        {
            case Act.Drain:
                _writer.Drain();
                _queue.Enqueue(item, _now + Ms + Uniform(9 * Ms));
                break;
            case Act.Tick:
                for (int cpu = 0; cpu < _options.Cpus; cpu++)
                {
                    _writer.Tick(cpu, _now + cpu);
                }

                _queue.Enqueue(item, _now + Sec);
                break;
            case Act.Shutdown:
                Shutdown();
                break;
            default:
                if (!_shutdown)
                {
                    OnTimer(item);
                }

                break;
        }
    }

    private void OnTimer(Item item)
    {
        switch (item.Act)
        {
            case Act.Arrival:
                StartRequest();
                double rate = _now >= _overloadStart && _now < _overloadEnd ? 1.6 * _semaphoreCapacity / MeanServiceSeconds : _arrivalsPerSecond;
                Timer(Act.Arrival, Exp((long)(Sec / rate)));
                break;
            case Act.Burst:
                int jobs = 5 + _random.Next(36);
                long at = 0;
                for (int i = 0; i < jobs; i++)
                {
                    at += Exp(Ms);
                    Timer(Act.PoolJob, at, _pool.Generation);
                }

                Timer(Act.Burst, Exp(2 * Sec));
                break;
            case Act.PoolJob:
                if (item.Arg == _pool.Generation)
                {
                    PoolJob();
                }

                break;
            case Act.PoolRestart:
                ClosePool();
                NewPool();
                Timer(Act.PoolRestart, Exp(40 * Sec));
                break;
            case Act.BatchStart:
                StartBatch();
                Timer(Act.BatchStart, Exp(4 * Sec));
                break;
            case Act.BatchJob:
                BatchJob(item.Arg);
                break;
            case Act.Broadcast:
                Broadcast(close: false);
                Timer(Act.Broadcast, Exp(1500 * Ms));
                break;
            case Act.QueueRestart:
                Broadcast(close: true);
                NewDrainQueue();
                Timer(Act.QueueRestart, Exp(60 * Sec));
                break;
            case Act.StoreUpdate:
                Wake(Spawn(Role.Updater, item.Arg), 50_000);
                Timer(Act.StoreUpdate, Exp(2 * Sec), item.Arg);
                break;
            case Act.WatchStart:
                Wake(Spawn(Role.Watcher), 20_000);
                Timer(Act.WatchStart, Exp(Sec));
                break;
            case Act.Replace:
                switch ((Role)item.Arg)
                {
                    case Role.Conn:
                        StartConn(0);
                        break;
                    case Role.Session:
                        StartSession(0);
                        break;
                    default:
                        StartPoller(0);
                        break;
                }

                break;
            case Act.Incident:
                Incident();
                _queue.Enqueue(item, _now + IncidentGap());
                break;
            default:
                break;
        }
    }

    /// <summary>A leak incident: the next request times out, the next batch is abandoned, or a watcher, drainers or a store get stuck.</summary>
    private void Incident()
    {
        switch (_random.Next(5))
        {
            case 0:
                _timeoutNextRequest = true;
                break;
            case 1:
                _abandonNextBatch = true;
                break;
            case 2:
                int watcher = Spawn(Role.Watcher);
                Slot(watcher).Aux = 1;
                Wake(watcher, 20_000);
                break;
            case 3:
                int store = _random.Next(Stores);
                if (!_stores[store].Stuck && !_stores[store].StuckPending)
                {
                    _stores[store].StuckPending = true;
                }
                else
                {
                    goto case 4;
                }

                break;
            case 4:
                ulong cond = NewObj();
                for (int i = 0; i < 2; i++)
                {
                    int drainer = Spawn(Role.LeakDrainer);
                    Slot(drainer).Obj = cond;
                    Wake(drainer, 30_000 + Uniform(Ms));
                }

                break;
        }
    }

    /// <summary>Quiesce: every healthy goroutine is released and exits within 100 ms; leaks stay blocked.</summary>
    private void Shutdown()
    {
        _shutdown = true;
        for (int i = 0; i < _gors.Count; i++)
        {
            ref Gor g = ref Slot(i);
            if (g.Phase != Phase.Dead && !g.Leaked)
            {
                g.Gen++;
                _queue.Enqueue(new Item(i, g.Gen, Act.Exit, 0), _now + Uniform(100 * Ms));
            }
        }
    }

    private void Exit(int slot)
    {
        if (Slot(slot).Phase != Phase.Running)
        {
            Ready(slot);
        }

        Destroy(slot);
    }

    // ---- Scheduling and goroutine events ----

    private void Timer(Act act, long delay, int arg = 0) => _queue.Enqueue(new Item(-1, 0, act, arg), _now + Math.Max(1, delay));

    /// <summary>Runs the goroutine's next step after <paramref name="delay"/>.</summary>
    private void Wake(int slot, long delay)
    {
        ref Gor g = ref Slot(slot);
        _queue.Enqueue(new Item(slot, g.Gen, Act.Step, 0), _now + Math.Max(1, delay));
    }

    private ref Gor Slot(int slot) => ref System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_gors)[slot];

    private int Spawn(Role role, int owner = 0)
    {
        int slot;
        if (_freeSlots.Count > 0)
        {
            slot = _freeSlots.Pop();
        }
        else
        {
            slot = _gors.Count;
            _gors.Add(default);
        }

        ref Gor g = ref Slot(slot);
        int generation = g.Gen + 1;
        g = new Gor
        {
            G = _freeGs.Count > 0 ? _freeGs.Pop() : NewG(),
            GoId = _nextGoId++,
            Role = role,
            Phase = Phase.Running,
            Cpu = _random.Next(_options.Cpus),
            Visible = Writing,
            Gen = generation,
            Owner = owner,
        };
        if (Writing)
        {
            (byte[] fn, byte[] creator) = s_names[(int)role];
            _writer.Create(g.Cpu, _now, g.G, ParentG, g.GoId, fn, creator);
        }

        return slot;
    }

    /// <summary>Parks with a blocking reason until something readies it (or forever).</summary>
    private void Block(int slot, byte reason, byte wait, ulong obj)
    {
        ref Gor g = ref Slot(slot);
        g.Phase = Phase.Blocked;
        g.Obj = obj;
        g.ParkTs = _now;
        g.ParkCpu = g.Cpu;
        g.ParkRecord = _writer.NextRecord(g.Cpu);
        g.ParkWritten = Writing;
        if (Writing)
        {
            _writer.Park(g.Cpu, _now, g.G, reason, wait, obj);
        }
    }

    /// <summary>Parks with a blocking reason and is readied by its own timer (select on a ticker, a timeout).</summary>
    private void BlockFor(int slot, byte reason, byte wait, ulong obj, long duration)
    {
        Block(slot, reason, wait, obj);
        Wake(slot, duration);
    }

    /// <summary>Parks without blocking (network, sleep) and is readied by its own timer.</summary>
    private void ParkFor(int slot, byte reason, byte wait, long duration)
    {
        ref Gor g = ref Slot(slot);
        g.Phase = Phase.Parked;
        if (Writing)
        {
            _writer.Park(g.Cpu, _now, g.G, reason, wait, 0);
        }

        Wake(slot, duration);
    }

    private void Ready(int slot)
    {
        ref Gor g = ref Slot(slot);
        g.Phase = Phase.Running;
        if (_random.Next(8) == 0)
        {
            g.Cpu = _random.Next(_options.Cpus);
        }

        if (Writing)
        {
            _writer.Ready(g.Cpu, _now, g.G);
        }
    }

    private void Destroy(int slot)
    {
        ref Gor g = ref Slot(slot);
        if (Writing)
        {
            _writer.Destroy(g.Cpu, _now, g.G);
        }

        g.Phase = Phase.Dead;
        g.Gen++;
        _freeGs.Push(g.G);
        _freeSlots.Push(slot);
    }

    /// <summary>The goroutine's current park is never released: record it in the truth (when the trace shows it).</summary>
    private void MarkLeaked(int slot, BusyLeakKind kind)
    {
        ref Gor g = ref Slot(slot);
        g.Leaked = true;
        if (g.Visible && g.ParkWritten)
        {
            _leaks.Add(new PendingLeak(g.G, g.GoId, kind, g.ParkTs, g.ParkCpu, g.ParkRecord));
        }
        else
        {
            _invisibleLeaks++;
        }
    }

    private ulong NewG()
    {
        ulong g = _nextG;
        _nextG += GSize;
        return g;
    }

    private ulong NewObj()
    {
        ulong obj = _nextObj;
        _nextObj += 0x60;
        return obj;
    }

    private long Exp(long mean) => (long)(-Math.Log(1 - _random.NextDouble()) * mean);

    private long Uniform(long max) => (long)(_random.NextDouble() * max);

    private enum Role : byte
    {
        Conn,
        Handler,
        Fetcher,
        Session,
        Poller,
        PoolWorker,
        BatchWorker,
        Drainer,
        LeakDrainer,
        Watcher,
        Updater,
        Ticker,
    }

    private enum Phase : byte
    {
        Running,
        Parked,
        Blocked,
        Dead,
    }

    private enum Act : byte
    {
        Step,
        Exit,
        Drain,
        Tick,
        Shutdown,
        Incident,
        Arrival,
        Burst,
        PoolJob,
        PoolRestart,
        BatchStart,
        BatchJob,
        Broadcast,
        QueueRestart,
        StoreUpdate,
        WatchStart,
        Replace,
    }

    private readonly record struct Item(int Slot, int Gen, Act Act, int Arg);

    private readonly record struct PendingLeak(ulong G, long GoId, BusyLeakKind Kind, long Timestamp, int Cpu, long Record);

    private struct Gor
    {
        public ulong G;
        public long GoId;
        public ulong Obj;
        public long ParkTs;
        public long ParkRecord;
        public int ParkCpu;
        public int Gen;
        public int Owner;
        public int Counter;
        public int Stage;
        public int Aux;
        public int Cpu;
        public Role Role;
        public Phase Phase;
        public bool Visible;
        public bool Leaked;
        public bool ParkWritten;
    }

    private sealed class Request
    {
        public ulong Results;
        public int Handler;
        public int Fetchers;
        public int Received;
        public bool HandlerWaiting;
        public bool Done;
        public bool Timeout;
        public int Alive;
        public readonly Queue<int> Senders = new();
    }

    private sealed class Batch
    {
        public ulong Jobs;
        public int Pending;
        public int JobsLeft;
        public bool Finished;
        public bool Abandoned;
        public readonly Queue<int> Idle = new();
        public readonly List<int> Workers = [];
    }

    private struct Pool
    {
        public ulong Jobs;
        public int Generation;
        public int Pending;
        public Queue<int> Idle;
    }

    private struct DrainQueue
    {
        public ulong Cond;
        public int Generation;
        public List<(int Slot, long GoId)> Drainers;
    }

    private struct Store
    {
        public ulong Mutex;
        public bool Held;
        public bool Stuck;
        public bool StuckPending;
        public Queue<int> Waiters;
    }
}
