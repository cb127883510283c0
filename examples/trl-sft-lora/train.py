#!/usr/bin/env python3
"""SFT with LoRA through Hugging Face TRL, behind self-evolve's `command` trainer contract.

self-evolve runs:  python examples/trl-sft-lora/train.py --data D --base B --output O --request R
The request file (R) has everything: the TRL prompt-completion JSONL, the base model, the seed,
the stage's hyperparameters and the output folder. Progress and the final model are printed as
JSON lines on stdout (docs/trainers.md); everything else goes to stderr.

Three ways to hand the result back:
- `--vllm-url URL` (the student runs on vLLM, started with --enable-lora and
  VLLM_ALLOW_RUNTIME_LORA_UPDATING=True): the LoRA adapter is saved to O/adapter, loaded into the
  running server (POST URL/load_lora_adapter) under the name self-<stage>, and reported as an
  `openai-compatible` model of that name, so the run calls it where it calls the student. A later
  stage continues training that adapter on the same base model.
- LLAMA_CPP_DIR pointing at a llama.cpp checkout: the merged model (base + LoRA, in O/hf) is
  converted to O/model.gguf with llama.cpp's own converter, so self-evolve generates with it
  through llama.cpp.
- otherwise the merged model is reported as an `hf` folder.

Not run by self-evolve's tests: it needs a GPU and packages from PyPI (requirements.txt).
"""
import argparse
import json
import os
import subprocess
import sys

EVENTS = sys.stdout
# TRL and transformers print logs to stdout; the contract reserves stdout for JSON events.
sys.stdout = sys.stderr


def emit(event):
    EVENTS.write(json.dumps(event) + "\n")
    EVENTS.flush()


def base_model(base):
    """The Hugging Face model id or folder to start from, and the LoRA adapter to continue."""
    meta = base.get("meta") or {}
    if base["kind"] == "gguf":  # a model this script trained before: its HF weights are kept
        return meta["hf"], None
    if meta.get("adapter"):  # a served adapter this script trained before (--vllm-url)
        return meta["base_hf"], meta["adapter"]
    # An HF id: {"kind": "hf", ...}, or the student as vLLM serves it (named by its HF id).
    return base["id"], None


def post_json(url, body):
    import urllib.request
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=600) as response:
        return response.read()


def main():
    parser = argparse.ArgumentParser()
    for flag in ("--data", "--base", "--output", "--request", "--vllm-url"):
        parser.add_argument(flag)
    args = parser.parse_args()
    with open(args.request) as f:
        request = json.load(f)
    hp = request["hyperparameters"]

    import torch
    from datasets import load_dataset
    from peft import LoraConfig, PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer, TrainerCallback
    from trl import SFTConfig, SFTTrainer

    class Progress(TrainerCallback):
        def on_log(self, args, state, control, logs=None, **kwargs):
            if logs and "loss" in logs:
                emit({"event": "progress", "step": state.global_step,
                      "total_steps": state.max_steps, "loss": logs["loss"]})

    dataset = load_dataset("json", data_files=request["data"]["sft"], split="train")
    if "self_episode" in dataset.column_names:  # our own models' episodes: not for TRL
        dataset = dataset.remove_columns("self_episode")
    start, adapter = base_model(request["base"])
    tokenizer = AutoTokenizer.from_pretrained(start)
    output = request["output"]
    config = SFTConfig(
        output_dir=os.path.join(output, "checkpoints"),
        num_train_epochs=hp.get("epochs", 1),
        max_steps=hp.get("steps", -1),
        per_device_train_batch_size=hp.get("batchSize", 8),
        learning_rate=hp.get("learningRate", 2e-4),
        seed=request["seed"],
        logging_steps=1,
        save_strategy="no",
        report_to=[],
        bf16=torch.cuda.is_available() and torch.cuda.is_bf16_supported(),
        completion_only_loss=True,  # loss on the completion only, as self-evolve masks it
    )
    lora = LoraConfig(r=hp.get("loraRank", 16), lora_alpha=hp.get("loraAlpha", 32),
                      lora_dropout=0.05, target_modules="all-linear", task_type="CAUSAL_LM")
    model, peft_config = start, lora
    if adapter:  # continue the previous stage's adapter on the same base weights
        model = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(start), adapter,
                                          is_trainable=True)
        peft_config = None
    trainer = SFTTrainer(model=model, args=config, train_dataset=dataset,
                         processing_class=tokenizer, peft_config=peft_config,
                         callbacks=[Progress()])
    trainer.train()

    if args.vllm_url:
        adapter_dir = os.path.join(output, "adapter")
        trainer.model.save_pretrained(adapter_dir)
        name = "self-" + request["name"]
        url = args.vllm_url.rstrip("/")
        try:  # a stage trained again after a crash replaces its adapter
            post_json(url + "/unload_lora_adapter", {"lora_name": name})
        except Exception:
            pass
        post_json(url + "/load_lora_adapter", {"lora_name": name, "lora_path": adapter_dir})
        emit({"event": "model", "model": {"kind": "openai-compatible", "id": name,
                                          "meta": {"adapter": adapter_dir, "base_hf": start}}})
        return

    hf_dir = os.path.join(output, "hf")
    trainer.model.merge_and_unload().save_pretrained(hf_dir)
    tokenizer.save_pretrained(hf_dir)
    llama_cpp = os.environ.get("LLAMA_CPP_DIR")
    if not llama_cpp:
        emit({"event": "model", "model": {"kind": "hf", "id": hf_dir}})
        return
    gguf = os.path.join(output, "model.gguf")
    subprocess.run([sys.executable, os.path.join(llama_cpp, "convert_hf_to_gguf.py"), hf_dir,
                    "--outfile", gguf, "--outtype", "f16"], check=True, stdout=sys.stderr)
    emit({"event": "model", "model": {"kind": "gguf", "id": gguf, "meta": {"hf": hf_dir}}})


if __name__ == "__main__":
    main()
