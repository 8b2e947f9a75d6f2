/**
 * One machine-learning concept: the words papers use for it, and the plain words readers ask
 * with. A question naming the concept either way is also searched for the papers' words.
 */
export interface GlossaryEntry {
  papers: readonly string[];
  readers?: readonly string[];
}

/**
 * Jargon and its plain-language paraphrases, written from general ML usage (not from any paper
 * or question): papers say "quantization" where a reader asks for "fewer bits per weight",
 * "knowledge distillation" where a reader says "a student imitating a teacher".
 */
export const ML_GLOSSARY: readonly GlossaryEntry[] = [
  // Making models smaller or faster
  { papers: ['quantization', 'low-bit', 'bit-width'], readers: ['fewer bits', 'less precision', 'lower precision', 'int4', 'int8'] },
  { papers: ['pruning', 'sparsity', 'sparsification'], readers: ['remove weights', 'remove neurons', 'drop layers', 'cut units'] },
  { papers: ['knowledge distillation', 'teacher', 'student'], readers: ['mimic a larger model'] },
  { papers: ['model compression'], readers: ['shrink models', 'smaller models', 'reduce model size', 'make models smaller'] },
  { papers: ['low-rank'], readers: ['matrix factorization', 'factorized'] },
  { papers: ['parameter-efficient', 'LoRA', 'adapter'], readers: ['few trainable parameters', 'frozen backbone'] },
  { papers: ['early exiting', 'multi-exit'], readers: ['skip layers', 'layer skipping', 'exit early'] },
  { papers: ['edge devices', 'resource-constrained', 'on-device'], readers: ['phone', 'phones', 'smartphone', 'mobile', 'drone', 'embedded', 'low power', 'microcontroller'] },
  { papers: ['inference efficiency', 'latency', 'throughput'], readers: ['faster inference', 'run faster', 'speed up', 'cheaper to run'] },
  { papers: ['mixture-of-experts', 'MoE', 'experts'], readers: ['expert routing', 'routed experts'] },
  // Learning paradigms
  { papers: ['self-supervised', 'unlabeled', 'unsupervised'], readers: ['without labels', 'no labels', 'unlabelled', 'label-free'] },
  { papers: ['contrastive'], readers: ['positive pairs', 'negative pairs', 'infonce'] },
  { papers: ['masked image modeling', 'masked autoencoder'], readers: ['reconstruct masked patches', 'masked patches'] },
  { papers: ['masked language modeling', 'MLM'], readers: ['fill in the blank', 'fill-in-the-blank', 'cloze'] },
  { papers: ['reinforcement learning', 'reward', 'policy'], readers: ['rlhf', 'trial and error'] },
  { papers: ['instruction tuning', 'instruction-tuned'], readers: ['instruction following', 'follow instructions'] },
  { papers: ['in-context learning'], readers: ['learning from examples in the prompt', 'examples in the prompt'] },
  { papers: ['adversarial', 'GAN'], readers: ['generative adversarial', 'discriminator'] },
  { papers: ['synthetic', 'data generation'], readers: ['generated dataset', 'llm-generated', 'machine-generated', 'synthesize a dataset', 'synthesize data', 'fake data'] },
  { papers: ['dataset distillation'], readers: ['dataset condensation', 'condense a dataset', 'condenses a dataset'] },
  { papers: ['neural architecture search', 'NAS'], readers: ['architecture search', 'search over architectures'] },
  { papers: ['scaling laws', 'scaling behavior'], readers: ['power law', 'how performance grows with size'] },
  // Understanding and controlling models
  { papers: ['interpretability', 'interpretable', 'attribution', 'causal mediation', 'white-box'], readers: ['explainability', 'explainable', 'explain predictions', 'inside neural networks', 'inside the model', 'mechanistic'] },
  { papers: ['editing', 'localizing knowledge'], readers: ['edit a model', 'steer a model', 'steer generation', 'remove a concept', 'erase a concept', 'manipulate internal'] },
  { papers: ['hallucination'], readers: ['make things up', 'made-up facts', 'fabricated', 'factual errors'] },
  { papers: ['disentangled', 'disentanglement'], readers: ['independent factors', 'factors of variation', 'tease apart'] },
  // Language and speech
  { papers: ['speech recognition', 'ASR'], readers: ['transcribe', 'transcription', 'speech to text', 'speech-to-text', 'spoken words', 'dictation'] },
  { papers: ['text-to-speech', 'TTS', 'speech generation'], readers: ['speech synthesis', 'synthesize speech', 'generate speech', 'voice generation'] },
  { papers: ['audio-visual speech recognition', 'AVSR'], readers: ['lip reading', 'lipreading', 'read lips', 'lips'] },
  { papers: ['codec'], readers: ['audio compression', 'compress audio', 'acoustic tokens'] },
  { papers: ['question answering', 'reading comprehension'], readers: ['answer questions', 'answering questions'] },
  { papers: ['retrieval', 'ranking', 're-ranking'], readers: ['search engine', 'neural search', 'document search', 'find documents'] },
  { papers: ['expansion', 'SPLADE'], readers: ['add words', 'extra words', 'extra terms', 'extra vocabulary', 'predict terms'] },
  { papers: ['embedding models', 'embeddings'], readers: ['sentence vectors', 'document vectors', 'text vectors', 'vector representations'] },
  { papers: ['retrieval-augmented generation', 'RAG'], readers: ['external knowledge', 'look things up'] },
  { papers: ['multilingual', 'monolingual'], readers: ['other languages', 'low-resource languages', 'foreign languages'] },
  { papers: ['Ancient Greek', 'Classical'], readers: ['greek', 'classics', 'dead languages'] },
  { papers: ['biomedical', 'clinical'], readers: ['medical', 'medicine', 'health', 'doctors', 'patients'] },
  { papers: ['social media', 'tweets'], readers: ['twitter', 'user posts', 'online posts'] },
  { papers: ['readability'], readers: ['easier to read', 'lay readers', 'plain language', 'simplify text', 'simplification'] },
  { papers: ['long-context', 'long sequences'], readers: ['long documents', 'long inputs', 'very long texts', 'context window'] },
  { papers: ['state space', 'SSM', 'Mamba'], readers: ['attention-free', 'without attention', 'no attention', 'instead of attention'] },
  { papers: ['decoder-only'], readers: ['gpt-style', 'gpt-like', 'chat-style', 'causal lm'] },
  { papers: ['encoder-only', 'bidirectional'], readers: ['bert-style', 'bert-like'] },
  { papers: ['large language models', 'LLMs'], readers: ['chatbot', 'chatbots', 'chatgpt-like', 'chat models', 'generative language models'] },
  { papers: ['small language models', 'SLMs'], readers: ['tiny models', 'compact language models', 'mini models'] },
  { papers: ['code', 'programming'], readers: ['programmers', 'software developers', 'coding', 'source code', 'programs'] },
  { papers: ['program synthesis', 'code generation'], readers: ['write code', 'writing code', 'generate code', 'generating code', 'autocomplete code'] },
  { papers: ['code search', 'code retrieval', 'text-to-code'], readers: ['find code', 'finding code', 'retrieve code', 'search for code'] },
  { papers: ['survey', 'overview'], readers: ['review article', 'literature review', 'big review'] },
  // Vision and multimodal
  { papers: ['text-to-image', 'image generation'], readers: ['pictures from text', 'images from text', 'pictures from a description', 'make pictures', 'draw pictures', 'generate pictures'] },
  { papers: ['video generation', 'video synthesis', 'text-to-video'], readers: ['generate videos', 'make videos', 'create videos'] },
  { papers: ['vision-language models', 'multimodal large language models', 'MLLMs', 'LMMs'], readers: ['visual assistant', 'picture chatbot', 'image chatbot', 'models that see'] },
  { papers: ['visual encoder', 'vision encoder', 'backbone'], readers: ['image front end', 'vision front end'] },
  { papers: ['visual tokens'], readers: ['image tokens', 'too many tokens', 'token count', 'merge tokens', 'token merging'] },
  { papers: ['image captioning', 'captions'], readers: ['describe images', 'image descriptions'] },
  { papers: ['object detection', 'semantic segmentation'], readers: ['detect objects', 'find objects', 'label pixels'] },
  { papers: ['implicit neural representation', 'neural representation'], readers: ['video in the weights', 'store a video', 'signal in the weights', 'inside the weights'] },
  { papers: ['vector quantization', 'codebook', 'discrete codes'], readers: ['discrete tokens', 'discretize', 'discretise'] },
  { papers: ['lossless compression', 'entropy coding'], readers: ['exact compression', 'compress without loss'] },
  { papers: ['point clouds', '3D'], readers: ['three-dimensional'] },
  { papers: ['face swapping'], readers: ['face swap', 'swap faces', 'replace a face', 'deepfake'] },
  { papers: ['embodied AI', 'navigation'], readers: ['robot', 'robots', 'robotics', 'household agents'] },
  { papers: ['graph representation learning', 'graph'], readers: ['networks of nodes', 'node embeddings', 'graph embeddings'] },
  { papers: ['time series'], readers: ['forecasting', 'sensor sequences'] },
  { papers: ['backdoor attack', 'backdoor'], readers: ['trojan', 'poisoning', 'hidden trigger'] },
  { papers: ['customized', 'personalized', 'multi-subject'], readers: ['my own subject', 'specific person', 'personal photos'] },
];
