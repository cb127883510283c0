#!/usr/bin/env python3
"""SFT with LoRA through Hugging Face TRL, behind self-evolve's `command` trainer contract.

self-evolve runs:  python examples/trl-sft-lora/train.py --data D --base B --output O --request R
The request file (R) has everything: the TRL prompt-completion JSONL, the base model, the seed,
the stage's hyperparameters and the output folder. Progress and the final model are printed as
JSON lines on stdout (docs/trainers.md); everything else goes to stderr.

The model is merged (base + LoRA) into O/hf and, when LLAMA_CPP_DIR points at a llama.cpp
checkout, converted to O/model.gguf with llama.cpp's own converter, so self-evolve generates with
it through llama.cpp. Without LLAMA_CPP_DIR the model is reported as an `hf` folder.

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
    """A Hugging Face model id or folder to start from."""
    if base["kind"] == "gguf":  # a model this script trained before: its HF weights are kept
        return base["meta"]["hf"]
    return base["id"]  # e.g. {"kind": "hf", "id": "Qwen/Qwen2.5-0.5B-Instruct"}


def main():
    parser = argparse.ArgumentParser()
    for flag in ("--data", "--base", "--output", "--request"):
        parser.add_argument(flag)
    args = parser.parse_args()
    with open(args.request) as f:
        request = json.load(f)
    hp = request["hyperparameters"]

    import torch
    from datasets import load_dataset
    from peft import LoraConfig
    from transformers import AutoTokenizer, TrainerCallback
    from trl import SFTConfig, SFTTrainer

    class Progress(TrainerCallback):
        def on_log(self, args, state, control, logs=None, **kwargs):
            if logs and "loss" in logs:
                emit({"event": "progress", "step": state.global_step,
                      "total_steps": state.max_steps, "loss": logs["loss"]})

    dataset = load_dataset("json", data_files=request["data"]["sft"], split="train")
    if "self_episode" in dataset.column_names:  # our own models' episodes: not for TRL
        dataset = dataset.remove_columns("self_episode")
    start = base_model(request["base"])
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
    trainer = SFTTrainer(model=start, args=config, train_dataset=dataset,
                         processing_class=tokenizer, peft_config=lora, callbacks=[Progress()])
    trainer.train()

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
