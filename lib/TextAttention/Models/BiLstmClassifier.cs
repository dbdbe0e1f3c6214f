using TextAttention.Attention;
using TextAttention.Text;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TextAttention.Models;

/// <summary>
/// The classifier of the blog post, with its pooling made exchangeable:
/// <code>
///   e = dropout(Embedding(ids))                       (B, T, E), &lt;pad&gt; embeds to 0
///   x = BiLSTM(e, lengths)                            (B, T, 2H): no direction reads padding (BiLstmEncoder)
///   c = pooling(x, mask)                              (B, 2H)
///   logits = Linear(dropout(c))                       (B, K)
/// </code>
/// The pooling is chosen by name (<see cref="Poolings"/>); notebook 04 builds this model step by step.
/// </summary>
public sealed class BiLstmClassifier : nn.Module<Tensor, Tensor, ClassifierOutput>
{
    private readonly Embedding embedding;
    private readonly Dropout embeddingDropout;
    private readonly BiLstmEncoder encoder;
    private readonly SequencePooling pooling;
    private readonly Dropout poolDropout;
    private readonly Linear head;

    public BiLstmClassifier(ClassifierConfig config)
        : base(nameof(BiLstmClassifier))
    {
        Validate(config);
        Config = config;
        embedding = nn.Embedding(config.VocabularySize, config.EmbeddingSize, padding_idx: Vocabulary.PadId);
        embeddingDropout = nn.Dropout(config.Dropout);
        encoder = new BiLstmEncoder(config.EmbeddingSize, config.HiddenSize);
        pooling = Poolings.Create(config.Pooling, 2L * config.HiddenSize, new PoolingOptions(Heads: config.Heads));
        poolDropout = nn.Dropout(config.Dropout);
        head = nn.Linear(2L * config.HiddenSize, config.Classes);
        RegisterComponents();
    }

    public ClassifierConfig Config { get; }

    /// <summary>The BiLSTM; its <see cref="BiLstmEncoder.Packed"/> switch selects the slow reference path.</summary>
    public BiLstmEncoder Encoder => encoder;

    /// <summary>The pooling, for example to set its <see cref="SequencePooling.Intervention"/>.</summary>
    public SequencePooling Pooling => pooling;

    /// <param name="ids">Token ids (B, T), padded with 0.</param>
    /// <param name="lengths">True lengths (B), int64 on the CPU, each at least 1.</param>
    public override ClassifierOutput forward(Tensor ids, Tensor lengths) => Classify(Embed(ids), lengths);

    /// <summary>The embedded tokens (B, T, E) that <see cref="Classify"/> reads; padding embeds to 0.</summary>
    public Tensor Embed(Tensor ids) => embeddingDropout.forward(embedding.forward(ids));

    /// <summary>
    /// The rest of the forward pass, from embedded tokens (B, T, E): the entry point for attributions, which
    /// differentiate the output with respect to the embeddings or move along a path between two of them.
    /// </summary>
    public ClassifierOutput Classify(Tensor embedded, Tensor lengths)
    {
        var mask = Masking.FromLengths(lengths, embedded.shape[1]);                                       // (B, T)
        var x = encoder.Encode(embedded, lengths, mask);                                                  // (B, T, 2H)
        var pooled = pooling.forward(x, mask);                                                            // (B, 2H)
        var logits = head.forward(poolDropout.forward(pooled.Context));                                   // (B, K)
        return new ClassifierOutput(logits, pooled);
    }

    /// <summary>
    /// The logits alone (B, K), for training and loss: the same numbers as <see cref="forward"/>, without the weights
    /// or matrix that a pooling computes only for display (<see cref="SequencePooling.Pool(Tensor, Tensor)"/>'s
    /// context-only form).
    /// </summary>
    public Tensor Logits(Tensor ids, Tensor lengths)
    {
        var embedded = Embed(ids);                                                                        // (B, T, E)
        var mask = Masking.FromLengths(lengths, embedded.shape[1]);                                       // (B, T)
        var x = encoder.Encode(embedded, lengths, mask);                                                  // (B, T, 2H)
        return head.forward(poolDropout.forward(pooling.Context(x, mask)));                               // (B, K)
    }

    private static void Validate(ClassifierConfig c)
    {
        string? problem =
            c.VocabularySize < 2 ? "VocabularySize must be at least 2 (<pad> and <unk>)" :
            c.Classes < 2 ? "Classes must be at least 2" :
            c.EmbeddingSize < 1 || c.HiddenSize < 1 ? "EmbeddingSize and HiddenSize must be positive" :
            c.Dropout is < 0 or >= 1 ? "Dropout must be in [0, 1)" :
            null;
        if (problem is not null)
        {
            throw new ArgumentException($"{problem}; got {c}.");
        }
    }
}
