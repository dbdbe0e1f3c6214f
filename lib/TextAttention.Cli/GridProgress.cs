using Spectre.Console;
using TextAttention.Experiments;

namespace TextAttention.Cli;

/// <summary>
/// Shows a grid while it runs: on a terminal, one live bar per run in progress (several at once when workers
/// train side by side); into a file or a pipe, one line per finished or restored run.
/// </summary>
internal static class GridProgress
{
    /// <param name="describe">The line that reports a finished run.</param>
    public static List<RunResult> Run(TextWriter console, ExperimentGrid grid, Func<List<RunResult>> run, Func<RunKey, RunResult, string> describe)
    {
        var lines = new List<string>();
        grid.RunRestored += (key, result) => lines.Add($"{describe(key, result)} (already in the run store)");
        grid.RunFinished += (key, result) => lines.Add(describe(key, result));
        if (console != Console.Out || Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            var shown = 0;
            void Flush()
            {
                for (; shown < lines.Count; shown++)
                {
                    console.WriteLine(lines[shown]);
                }
            }

            grid.RunRestored += (_, _) => Flush();
            grid.RunFinished += (_, _) => Flush();
            return run();
        }

        List<RunResult> runs = [];
        AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var tasks = new Dictionary<RunKey, ProgressTask>();
                grid.RunStarting += key => tasks[key] = context.AddTask($"{key} ({key.Number}/{key.Count})", maxValue: 1);
                grid.BatchFinished += (key, progress) =>
                {
                    if (tasks.TryGetValue(key, out var task))
                    {
                        task.Value = progress.Fraction;
                        task.Description = $"{key} ({key.Number}/{key.Count}): epoch {progress.Epoch}/{progress.Epochs}, loss {progress.Loss:F3}";
                    }
                };
                grid.RunFinished += (key, _) =>
                {
                    if (tasks.Remove(key, out var task))
                    {
                        task.Value = 1;
                        task.StopTask();
                    }
                };
                runs = run();
            });
        lines.ForEach(console.WriteLine);
        return runs;
    }
}
