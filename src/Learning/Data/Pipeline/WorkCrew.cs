namespace MantisShrimp.Engine.Data.Pipeline;

/// <summary>
/// A fixed set of worker threads that run "items 0..n-1 of this body" on request — the calling thread
/// joins in. Unlike Parallel.For it allocates nothing per run (the body is a cached delegate, workers are
/// persistent, signalling uses semaphores and a countdown), so a steady-state batch costs no garbage.
/// The first exception of a run is kept with the item that threw and rethrown to the caller.
/// Each participant has a fixed worker index (the caller 0, helper i → i) passed to the body, so per-worker
/// scratch is indexed by it: which threads take part in a run varies with scheduling, and scratch handed out
/// per run by arrival order was once shared by two threads at the same time (corrupted input, NaN losses).
/// </summary>
public sealed class WorkCrew : IDisposable
{
    private readonly Thread[] _threads;
    private readonly SemaphoreSlim _start = new(0);
    private readonly CountdownEvent _done = new(1);
    private Action<int, int>? _body;
    private int _total;
    private int _next;
    private volatile bool _stopping;
    private Exception? _error;
    private int _errorItem;

    public WorkCrew(int helpers, string name)
    {
        _threads = new Thread[Math.Max(0, helpers)];
        for (int i = 0; i < _threads.Length; i++)
        {
            int worker = i + 1;
            _threads[i] = new Thread(() => Loop(worker)) { IsBackground = true, Name = $"{name} {worker}" };
            _threads[i].Start();
        }
    }

    /// <summary>Threads working on a run, the caller included.</summary>
    public int Width => _threads.Length + 1;

    /// <summary>
    /// Runs <paramref name="body"/>(item, worker) for items 0..<paramref name="items"/>-1 on all threads; returns when
    /// all are done. worker ∈ [0, <see cref="Width"/>) is the participant's fixed index.
    /// </summary>
    public void Run(int items, Action<int, int> body)
    {
        _body = body;
        _total = items;
        _next = -1;
        _error = null;
        _done.Reset(_threads.Length + 1);
        if (_threads.Length > 0) _start.Release(_threads.Length);
        Work(0);
        _done.Signal();
        _done.Wait();
        _body = null;
        if (_error is { } e) throw new WorkItemException(_errorItem, e);
    }

    private void Loop(int worker)
    {
        while (true)
        {
            _start.Wait();
            if (_stopping) return;
            Work(worker);
            _done.Signal();
        }
    }

    private void Work(int worker)
    {
        var body = _body!;
        int k;
        while ((k = Interlocked.Increment(ref _next)) < _total)
        {
            try
            {
                body(k, worker);
            }
            catch (Exception e)
            {
                if (Interlocked.CompareExchange(ref _error, e, null) is null) _errorItem = k;
                Interlocked.Exchange(ref _next, _total); // stop handing out items
            }
        }
    }

    public void Dispose()
    {
        _stopping = true;
        if (_threads.Length > 0) _start.Release(_threads.Length);
        foreach (var t in _threads) t.Join();
        _start.Dispose();
        _done.Dispose();
    }
}

/// <summary>A work item of a <see cref="WorkCrew"/> run failed.</summary>
internal sealed class WorkItemException(int item, Exception inner) : Exception(inner.Message, inner)
{
    public int Item { get; } = item;
}
