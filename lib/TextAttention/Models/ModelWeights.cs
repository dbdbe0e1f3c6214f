using System.Text;
using TextAttention.IO;
using static TorchSharp.torch;

namespace TextAttention.Models;

/// <summary>
/// A classifier's trained weights in TorchSharp's format, written atomically (<see cref="AtomicFile"/>) and read back
/// with a check that they are usable: every parameter finite, and finite outputs on a probe batch. The run store and
/// checkpoints both go through here.
/// </summary>
public static class ModelWeights
{
    /// <summary>Writes the weights so that a reader never sees half a file.</summary>
    public static void Save(BiLstmClassifier model, string path) =>
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            model.save(writer);
        });

    /// <summary>Builds a classifier from <paramref name="config"/>, loads the weights and returns it in evaluation mode.</summary>
    /// <param name="advice">What the reader can do about a damaged file, appended to the error (for example "delete the file to train that run again").</param>
    /// <exception cref="InvalidDataException">
    /// The file does not load into such a classifier, or holds weights that are not finite or give non-finite outputs
    /// (a damaged file); the path is named.
    /// </exception>
    public static BiLstmClassifier Load(ClassifierConfig config, string path, string advice)
    {
        var model = new BiLstmClassifier(config);
        try
        {
            using (var reader = new BinaryReader(File.OpenRead(path)))
            {
                model.load(reader);
            }

            model.eval();
            if (Problem(model) is { } problem)
            {
                throw new InvalidDataException(problem);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException and not FileNotFoundException and not UnauthorizedAccessException)
        {
            model.Dispose();
            var reason = e is InvalidDataException ? e.Message : $"the weights do not load into a {config.Pooling} classifier of this size ({Readable(e.Message.Split('\n')[0])})";
            throw new InvalidDataException($"{path}: {reason}; {advice}.", e);
        }

        return model;
    }

    /// <summary>A loader's message as one short printable line: a damaged file's bytes can end up in it.</summary>
    private static string Readable(string message)
    {
        var printable = new string([.. message.Select(c => char.IsControl(c) || char.IsSurrogate(c) || c == '\uFFFD' ? '?' : c)]);
        return printable.Length <= 160 ? printable : printable[..160] + "…";
    }

    /// <summary>Why the loaded weights cannot be used, or null: a non-finite parameter, or non-finite logits on a probe batch of every token id.</summary>
    private static string? Problem(BiLstmClassifier model)
    {
        using var scope = NewDisposeScope();
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (!parameter.isfinite().all().item<bool>())
            {
                return $"the parameter {name} holds values that are not finite numbers (the file is damaged)";
            }
        }

        using var guard = no_grad();
        var V = model.Config.VocabularySize;
        var T = Math.Min(V, 16);
        var ids = arange(T, dtype: ScalarType.Int64).remainder(V).unsqueeze(0);   // (1, T)
        var logits = model.forward(ids, tensor(new long[] { T })).Logits;          // (1, K)
        return logits.isfinite().all().item<bool>() ? null : "the weights give outputs that are not finite numbers on a probe text (the file is damaged)";
    }
}
