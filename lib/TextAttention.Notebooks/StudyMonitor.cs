using System.Diagnostics;
using System.Globalization;
using TextAttention.Experiments;

namespace TextAttention.Notebooks;

/// <summary>
/// One line that says what a long notebook cell is doing, for a display that the notebook updates in place. While work
/// goes on, the line starts with <see cref="Running"/>; the committed notebook keeps only the final state (the write-back
/// drops running states), so a reader of the committed file sees what was done, not a log of it.
/// </summary>
public class NotebookProgress
{
    /// <summary>How a running state begins: the write-back of <c>reproduce</c> drops outputs that begin so.</summary>
    public const string Running = "⏳ ";

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private volatile string _text;

    public NotebookProgress(string what)
    {
        What = what;
        _text = Running + what + ": starting";
    }

    /// <summary>What the work is, as the line names it.</summary>
    public string What { get; }

    /// <summary>The line as it stands: a running state until <see cref="Finish"/>.</summary>
    public string Text => _text;

    /// <summary>Time since the work started.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Says where the work stands (a running state, with the time so far).</summary>
    public void Report(string state) => _text = $"{Running}{What}: {state} ({Minutes(Elapsed)} so far)";

    /// <summary>The final state: what was done, in how long.</summary>
    public string Finish(string summary) => _text = $"{What}: {summary} ({Minutes(Elapsed)})";

    /// <summary>A duration as a reader would say it: "40 s", "12 min".</summary>
    public static string Minutes(TimeSpan time) =>
        time.TotalSeconds < 90 ? string.Create(CultureInfo.InvariantCulture, $"{time.TotalSeconds:F0} s") : string.Create(CultureInfo.InvariantCulture, $"{time.TotalMinutes:F0} min");
}

/// <summary>
/// <see cref="NotebookProgress"/> bound to a study's hooks: the stage, how many of its runs are done (trained or read back
/// from the run store), and which runs are training at which epoch; at the end, what each stage did.
/// </summary>
public sealed class StudyMonitor : NotebookProgress
{
    private readonly Dictionary<RunSpec, string> _training = [];
    private readonly List<string> _stages = [];
    private StudyStage _stage;
    private int _total;
    private int _trained;
    private int _restored;

    public StudyMonitor(ComparisonStudy study, string what = "study")
        : base(what)
    {
        study.StageStarting += (stage, runs) =>
        {
            Close();
            (_stage, _total, _trained, _restored) = (stage, runs.Count, 0, 0);
            Update();
        };
        study.RunRestored += (_, _) =>
        {
            _restored++;
            Update();
        };
        study.RunStarting += spec =>
        {
            lock (_training)
            {
                _training[spec] = "starting";
            }

            Update();
        };
        study.EpochFinished += (spec, epoch) =>
        {
            lock (_training)
            {
                _training[spec] = $"epoch {epoch.Epoch} done";
            }

            Update();
        };
        study.RunFinished += (spec, _) =>
        {
            lock (_training)
            {
                _training.Remove(spec);
            }

            _trained++;
            Update();
        };
    }

    /// <summary>Runs trained so far, over every stage.</summary>
    public int Trained { get; private set; }

    /// <summary>Runs read back from the store so far, over every stage.</summary>
    public int Restored { get; private set; }

    /// <summary>The final state of a finished study: one line per stage, and how much was trained.</summary>
    public string Finish(StudyResults results)
    {
        Close();
        var summary = $"{results.Trained} runs trained, {results.Restored} read back from the run store" +
                      (results.Waiting is null ? "" : $"; stopped early: {results.Waiting}");
        return Finish(string.Join("; ", _stages) + (_stages.Count > 0 ? "; " : "") + summary);
    }

    private void Update()
    {
        string now;
        lock (_training)
        {
            now = string.Join(", ", _training.Select(t => $"{t.Key} ({t.Value})"));
        }

        Report($"{Name(_stage)}, {_trained + _restored} of {_total} runs done ({_restored} read back, {_trained} trained)" + (now.Length > 0 ? $"; training {now}" : ""));
    }

    private void Close()
    {
        if (_total > 0)
        {
            _stages.Add($"{Name(_stage)}: {_total} runs ({_trained} trained)");
            Trained += _trained;
            Restored += _restored;
            _total = 0;
        }
    }

    private static string Name(StudyStage stage) => stage switch
    {
        StudyStage.Search => "learning-rate search",
        StudyStage.Comparison => "comparison",
        _ => "second-best rates",
    };
}
