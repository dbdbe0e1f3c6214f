using Spectre.Console;
using TextAttention.Experiments;

namespace TextAttention.Cli;

/// <summary>
/// Shows a study while it runs: on a terminal, one live bar per run in progress (several at once when workers train side
/// by side); into a file or a pipe, one line per trained run. Runs read back from the store are counted per stage, not
/// listed, so a resumed study says what it skipped in one line.
/// </summary>
internal static class StudyProgress
{
    /// <param name="describe">The line that reports a finished run of a stage.</param>
    public static StudyResults Run(TextWriter console, ComparisonStudy study, Func<StudyResults> run, Func<StudyStage, RunSpec, RunResult, string> describe)
    {
        var stage = StudyStage.Search;
        var restored = 0;
        var total = 0;
        void Restored() => console.WriteLine($"{Name(stage)}: {restored} of {total} runs already in the run store");
        study.StageStarting += (next, runs) =>
        {
            if (restored > 0)
            {
                Restored();
            }

            (stage, restored, total) = (next, 0, runs.Count);
            console.WriteLine($"{Name(next)}: {runs.Count} runs");
        };
        study.RunRestored += (_, _) => restored++;
        study.RunDamaged += (_, why) => console.WriteLine($"note: {why}; training it again");
        if (console != Console.Out || Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            study.RunFinished += (spec, result) => console.WriteLine("  " + describe(stage, spec, result));
            var results = run();
            if (restored > 0)
            {
                Restored();
            }

            return results;
        }

        StudyResults? outcome = null;
        var lines = new List<string>();
        study.RunFinished += (spec, result) => lines.Add("  " + describe(stage, spec, result));
        AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var tasks = new Dictionary<RunSpec, ProgressTask>();
                study.RunStarting += spec => tasks[spec] = context.AddTask(Markup.Escape(spec.ToString()), maxValue: 1);
                study.BatchFinished += (spec, progress) =>
                {
                    if (tasks.TryGetValue(spec, out var task))
                    {
                        task.Value = progress.Fraction;
                        task.Description = Markup.Escape($"{spec}: epoch {progress.Epoch}/{progress.Epochs}, loss {progress.Loss:F3}");
                    }
                };
                study.RunFinished += (spec, _) =>
                {
                    if (tasks.Remove(spec, out var task))
                    {
                        task.Value = 1;
                        task.StopTask();
                    }
                };
                outcome = run();
            });
        lines.ForEach(console.WriteLine);
        if (restored > 0)
        {
            Restored();
        }

        return outcome!;
    }

    private static string Name(StudyStage stage) => stage switch
    {
        StudyStage.Search => "learning-rate search (validation only, tuning seeds)",
        StudyStage.Comparison => "comparison (reported seeds, chosen rates)",
        _ => "second-best rates (primary pair)",
    };
}
