using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using TextAttention.Attention;
using TextAttention.Data;
using TextAttention.Experiments;
using TextAttention.Plotting;
using TextAttention.Text;
using TextAttention.Training;
using TorchSharp;

namespace TextAttention.Cli;

/// <summary><c>train</c>: a grid of BiLSTM classifiers over poolings and seeds on one dataset, with a summary and the paired verdict.</summary>
internal static class TrainCommand
{
    public static Command Build()
    {
        var dataset = new Option<string>("--dataset")
        {
            Description = $"{string.Join(", ", Corpora.Names)}, or the path of a labelled CSV/TSV file (header with 'text' and 'label').",
            DefaultValueFactory = _ => Corpora.Synthetic,
        };
        var pooling = new Option<string>("--pooling")
        {
            Description = $"Comma-separated poolings: {string.Join(", ", Poolings.Names)}.",
            DefaultValueFactory = _ => "dot-self-unmasked,han-unmasked,dot-self,han,mean",
            HelpName = "names",
        };
        pooling.Validators.Add(r =>
        {
            foreach (var name in Split(r.GetValueOrDefault<string>()).Where(n => !Poolings.Names.Contains(n)))
            {
                r.AddError($"--pooling: '{name}' is not a pooling; choose from {string.Join(", ", Poolings.Names)}.");
            }
        });
        var seeds = new Option<string>("--seeds") { Description = "Comma-separated seeds; each pooling is trained once per seed.", DefaultValueFactory = _ => "1,2,3", HelpName = "list" };
        seeds.Validators.Add(r =>
        {
            if (Split(r.GetValueOrDefault<string>()).Any(s => !int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)) || Split(r.GetValueOrDefault<string>()).Count == 0)
            {
                r.AddError("--seeds must be a comma-separated list of whole numbers, for example 1,2,3.");
            }
        });
        var epochs = Positive("--epochs", "Passes over the training split.", 5);
        var embedding = Positive("--embedding", "Embedding size E.", 64);
        var hidden = Positive("--hidden", "LSTM hidden size H per direction (the pooled vector has 2H).", 64);
        var maxLength = Positive("--max-len", "Texts are truncated to this many tokens.", 64);
        var batchSize = Positive("--batch-size", "Examples per batch.", 64);
        var threads = Positive("--threads", "TorchSharp threads (fixed, for reproducible numbers).", 2);
        var learningRate = new Option<double>("--lr") { Description = "Adam's learning rate.", DefaultValueFactory = _ => 2e-3 };
        learningRate.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() is <= 0 or > 1)
            {
                r.AddError("--lr must be in (0, 1].");
            }
        });
        var dataDir = new Option<DirectoryInfo?>("--data-dir") { Description = "Data folder holding agnews/ and thucnews/ (default: TEXTATTENTION_DATA, else data/).", HelpName = "dir" };
        var testFile = new Option<FileInfo?>("--test-file") { Description = "Also evaluate each trained model on this labelled file, in the dataset's format.", HelpName = "file" };
        var output = new Option<FileInfo?>("--out") { Description = "Write one row per run to this CSV, and the learning curves to <name>.history.csv beside it.", HelpName = "file" };
        var offline = new Option<bool>("--no-download") { Description = "Fail instead of downloading a missing corpus." };

        var command = new Command("train", "Train BiLSTM classifiers for each pooling and seed, then print mean ± std per pooling and the paired verdict on attention_1 vs attention_2.")
        {
            dataset, pooling, seeds, epochs, embedding, hidden, maxLength, batchSize, learningRate, dataDir, testFile, output, threads, offline,
        };
        command.SetAction(parse =>
        {
            var error = parse.InvocationConfiguration.Error;
            var text = parse.InvocationConfiguration.Output;
            try
            {
                torch.set_num_threads(parse.GetValue(threads));
                var corpus = Corpora.Load(parse.GetValue(dataset)!, new CorpusOptions(parse.GetValue(dataDir)?.FullName, !parse.GetValue(offline), Warn: m => error.WriteLine("note: " + m)));
                var settings = new RunSettings(parse.GetValue(embedding), parse.GetValue(hidden), parse.GetValue(maxLength), parse.GetValue(batchSize),
                    Training: new TrainingOptions(parse.GetValue(epochs), parse.GetValue(learningRate)));
                var external = parse.GetValue(testFile) is { } file ? Corpora.ReadExternal(corpus.Name, file.FullName, corpus.ClassNames, m => error.WriteLine("note: " + m)) : null;
                return Run(text, corpus, Split(parse.GetValue(pooling)!), Split(parse.GetValue(seeds)!).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList(),
                    settings, external, parse.GetValue(output)?.FullName);
            }
            catch (Exception e) when (e is DataFormatException or IOException or ArgumentException or InvalidDataException)
            {
                error.WriteLine("error: " + e.Message);
                return 1;
            }
        });
        return command;
    }

    private static int Run(TextWriter console, Corpus corpus, IReadOnlyList<string> poolings, IReadOnlyList<int> seeds, RunSettings settings, List<Example>? external, string? output)
    {
        var data = Experiment.Prepare(corpus, settings);
        console.WriteLine($"{corpus.Name}: {corpus.Train.Count} train / {corpus.Validation.Count} validation / {corpus.Test.Count} test, " +
                          $"{corpus.ClassNames.Count} classes, vocabulary {data.Vocabulary.Count:N0}, test OOV {data.TestOutOfVocabularyRate:P1}");
        var runs = new List<RunResult>();
        var externalAccuracy = new List<double?>();
        var jobs = poolings.SelectMany(p => seeds.Select(s => (Pooling: p, Seed: s))).ToList();
        var epochs = settings.TrainingOrDefault.Epochs;
        void TrainAll(Action<int, TextAttention.Training.Progress>? onBatch, Action<string> report)
        {
            for (var i = 0; i < jobs.Count; i++)
            {
                var (p, s) = jobs[i];
                var index = i;
                var run = Experiment.Run(data, p, s, settings, progress => onBatch?.Invoke(index, progress));
                double? accuracy = null;
                if (external is not null)
                {
                    var encoded = Batcher.Encode(external.Select(e => (e.Text, e.Label)), data.Tokenizer, data.Vocabulary, settings.MaxLength);
                    var model = run.Model!;
                    accuracy = Trainer.Evaluate(model, b => model.forward(b.Ids, b.Lengths).Logits,
                        new Batcher(encoded, new BatchOptions(settings.BatchSize, MaxLength: settings.MaxLength)), corpus.ClassNames.Count).Accuracy;
                }

                runs.Add(run.WithoutModel());
                externalAccuracy.Add(accuracy);
                report($"{p} seed {s}: test accuracy {run.History.Test.Accuracy:P2}, macro-F1 {run.History.Test.MacroF1:P2} (best epoch {run.History.BestEpoch}, {run.Seconds:F0} s)" +
                       (accuracy is { } a ? $", --test-file accuracy {a:P2}" : ""));
            }
        }

        // A live progress bar on a terminal; one line per run when the output is a file or a pipe.
        if (console == Console.Out && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive)
        {
            AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(context =>
                {
                    var tasks = jobs.Select(j => context.AddTask($"{j.Pooling} seed {j.Seed}", autoStart: false, maxValue: 1)).ToList();
                    TrainAll((i, progress) =>
                    {
                        tasks[i].StartTask();
                        tasks[i].Value = ((progress.Epoch - 1) + (double)progress.Batch / progress.Batches) / epochs;
                        tasks[i].Description = $"{jobs[i].Pooling} seed {jobs[i].Seed}: epoch {progress.Epoch}/{epochs}, loss {progress.Loss:F3}";
                    }, line => context.Refresh());
                    foreach (var task in tasks)
                    {
                        task.Value = 1;
                    }
                });
            foreach (var run in runs)
            {
                console.WriteLine($"{run.Pooling} seed {run.Seed}: test accuracy {run.History.Test.Accuracy:P2}, macro-F1 {run.History.Test.MacroF1:P2}");
            }
        }
        else
        {
            TrainAll(null, console.WriteLine);
        }

        console.WriteLine();
        console.WriteLine(TextTables.Format(Statistics.Summary(runs.Select(r => r.Score))));
        if (poolings.Contains("dot-self-unmasked") && poolings.Contains("han-unmasked"))
        {
            console.WriteLine();
            console.WriteLine("attention_1 vs attention_2: " + Statistics.Paired(runs.Select(r => r.Score), corpus.Name, "dot-self-unmasked", "han-unmasked").Verdict);
        }

        if (output is not null)
        {
            var frame = Results.Runs(runs);
            if (external is not null)
            {
                frame.Columns.Add(new Microsoft.Data.Analysis.DoubleDataFrameColumn("test_file_accuracy", externalAccuracy));
            }

            Results.SaveCsv(frame, output);
            var history = Path.Combine(Path.GetDirectoryName(output)!, Path.GetFileNameWithoutExtension(output) + ".history.csv");
            Results.SaveCsv(Results.History(runs), history);
            console.WriteLine($"wrote {output} and {history}");
        }

        return 0;
    }

    private static Option<int> Positive(string name, string description, int defaultValue)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError($"{name} must be at least 1.");
            }
        });
        return option;
    }

    private static List<string> Split(string? list) =>
        (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
