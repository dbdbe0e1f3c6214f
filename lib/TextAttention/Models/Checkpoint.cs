using System.Text.Json;
using TextAttention.Attention;
using TextAttention.IO;
using TextAttention.Text;

namespace TextAttention.Models;

/// <summary>
/// A trained classifier on disk: <c>config.json</c> (sizes, pooling, tokenizer, class names),
/// <c>vocabulary.txt</c> and <c>weights.bin</c> (TorchSharp's format). A checkpoint is written whole into a temporary
/// folder beside its place and renamed into place, so a reader, or a save that fails half-way, never leaves a
/// checkpoint whose files belong to two models: the old one stays, or the new one is complete.
/// Loading rebuilds the same model with the same predictions, and checks every file.
/// </summary>
public static class Checkpoint
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Everything besides the weights that is needed to use the model again.</summary>
    public sealed record Manifest(ClassifierConfig Model, string Tokenizer, IReadOnlyList<string> ClassNames, int MaxLength);

    /// <summary>Whether <paramref name="folder"/> can receive a checkpoint: it is absent, or a folder (not a file) whose parent can be written.</summary>
    /// <returns>Null when it can; otherwise the problem, naming the path.</returns>
    public static string? CannotWrite(string folder)
    {
        var full = Path.GetFullPath(folder);
        if (File.Exists(full))
        {
            return $"{full} is a file; a checkpoint is a folder";
        }

        var parent = Path.GetDirectoryName(full) ?? full;
        return Writable.Problem(parent);
    }

    /// <summary>Writes the checkpoint into a temporary sibling folder, then replaces <paramref name="folder"/> with it.</summary>
    public static void Save(string folder, BiLstmClassifier model, Vocabulary vocabulary, Manifest manifest)
    {
        var target = Path.GetFullPath(folder);
        var parent = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.saving");
        var retired = Path.Combine(parent, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.replaced");
        try
        {
            Directory.CreateDirectory(staging);
            ModelWeights.Save(model, Path.Combine(staging, "weights.bin"));
            vocabulary.Save(Path.Combine(staging, "vocabulary.txt"));
            AtomicFile.WriteAllText(Path.Combine(staging, "config.json"), JsonSerializer.Serialize(manifest, Json));
            if (Directory.Exists(target))
            {
                Directory.Move(target, retired);
            }

            Directory.Move(staging, target);
        }
        catch
        {
            if (!Directory.Exists(target) && Directory.Exists(retired))
            {
                Directory.Move(retired, target);   // put the old checkpoint back
            }

            throw;
        }
        finally
        {
            foreach (var leftover in new[] { staging, retired }.Where(Directory.Exists))
            {
                Directory.Delete(leftover, recursive: true);
            }
        }
    }

    /// <summary>Rebuilds the saved model in evaluation mode, with its vocabulary and manifest.</summary>
    /// <exception cref="FileNotFoundException">The folder is not a checkpoint (no <c>config.json</c>) or lacks its weights.</exception>
    /// <exception cref="InvalidDataException">A file of the checkpoint is damaged or does not fit the others; the message names it, and the field.</exception>
    /// <exception cref="DataFormatException">The vocabulary file is damaged; the message names file and line.</exception>
    public static (BiLstmClassifier Model, Vocabulary Vocabulary, Manifest Manifest) Load(string folder)
    {
        var manifest = ReadManifest(folder);
        var vocabulary = Vocabulary.Load(Path.Combine(folder, "vocabulary.txt"));
        if (vocabulary.Count != manifest.Model.VocabularySize)
        {
            throw new InvalidDataException($"{Path.Combine(folder, "vocabulary.txt")}: the vocabulary has {vocabulary.Count} tokens but config.json's Model.VocabularySize is {manifest.Model.VocabularySize}.");
        }

        var weights = Path.Combine(folder, "weights.bin");
        if (!File.Exists(weights))
        {
            throw new FileNotFoundException($"{folder}: the checkpoint has no weights.bin.", weights);
        }

        return (ModelWeights.Load(manifest.Model, weights, "save the checkpoint again"), vocabulary, manifest);
    }

    /// <summary>Reads and checks <c>config.json</c>: every field present and allowed, named when it is not.</summary>
    /// <exception cref="FileNotFoundException">The folder has no <c>config.json</c>.</exception>
    /// <exception cref="InvalidDataException">The file is not a manifest, or a field is missing or not allowed; the file and field are named.</exception>
    public static Manifest ReadManifest(string folder)
    {
        var path = Path.Combine(folder, "config.json");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(Directory.Exists(folder)
                ? $"{folder} is not a checkpoint: it has no config.json (train --save DIR writes one folder per run)."
                : $"{folder} does not exist; give the folder that train --save wrote.", path);
        }

        Manifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<Manifest>(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a checkpoint manifest ({e.Message}).", e);
        }

        var c = manifest?.Model;
        var problem =
            manifest is null ? "the file holds no checkpoint manifest" :
            c is null ? "the field Model is missing" :
            manifest.ClassNames is null ? "the field ClassNames is missing" :
            manifest.Tokenizer is null ? "the field Tokenizer is missing" :
            !Tokenizers.Names.Contains(manifest.Tokenizer) ? $"the field Tokenizer is '{manifest.Tokenizer}', not one of {string.Join(", ", Tokenizers.Names)}" :
            c.Pooling is null || !Poolings.Names.Contains(c.Pooling) ? $"the field Model.Pooling is '{c.Pooling}', not one of {string.Join(", ", Poolings.Names)}" :
            c.VocabularySize is < 2 or > 10_000_000 ? $"the field Model.VocabularySize is {c.VocabularySize}; it must be from 2 to 10,000,000" :
            c.Classes < 2 || c.Classes != manifest.ClassNames.Count ? $"the field Model.Classes is {c.Classes}, but ClassNames lists {manifest.ClassNames.Count} classes (at least 2)" :
            c.EmbeddingSize is < 1 or > 4096 ? $"the field Model.EmbeddingSize is {c.EmbeddingSize}; it must be from 1 to 4096" :
            c.HiddenSize is < 1 or > 4096 ? $"the field Model.HiddenSize is {c.HiddenSize}; it must be from 1 to 4096" :
            c.Dropout is < 0 or >= 1 || double.IsNaN(c.Dropout) ? $"the field Model.Dropout is {c.Dropout}; it must be in [0, 1)" :
            c.Heads < 1 || (2 * c.HiddenSize) % c.Heads != 0 ? $"the field Model.Heads is {c.Heads}; it must divide 2 × HiddenSize = {2 * c.HiddenSize}" :
            manifest.MaxLength is < 1 or > 100_000 ? $"the field MaxLength is {manifest.MaxLength}; it must be from 1 to 100,000" :
            null;
        return problem is null ? manifest! : throw new InvalidDataException($"{path}: {problem}.");
    }
}
