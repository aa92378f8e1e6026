from pathlib import Path

import pytest

from training.arguments import ConfigError, load_config, parse_config, parse_overrides

CONFIGS = sorted(path for path in (Path(__file__).resolve().parents[1] / "configs").glob("*.yaml")
                 if not path.name.startswith("pretrain"))


def test_there_are_configs():
    assert {path.name for path in CONFIGS} >= {"tiny.yaml", "scratch.yaml", "arabert.yaml"}


def test_pretraining_config_parses():
    from training.pretrain import parse_pretrain_config

    path = Path(__file__).resolve().parents[1] / "configs" / "pretrain_news.yaml"
    model_args, data_args, run_args, training_args = parse_pretrain_config(load_config(path), str(path))
    assert data_args.exclude_articles == "seeds/real/heldout.txt" and model_args.embedding_init == "fasttext"
    assert run_args.save_every_minutes <= 10 and training_args.max_steps > 0


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
def test_every_config_parses(path):
    model_args, data_args, objective_args, training_args = parse_config(load_config(path), str(path))
    assert data_args.max_seq_length == 128
    assert training_args.metric_for_best_model == "macro_f1"
    assert training_args.load_best_model_at_end
    assert objective_args.class_weighting
    assert model_args.arabert_model_name == "bert-base-arabertv02"


def test_arabert_config_names_the_hub_model():
    model_args, *_ = parse_config(load_config(Path("configs/arabert.yaml")))
    assert model_args.model_name_or_path == "aubmindlab/bert-base-arabertv02"


def test_unknown_key_fails_with_its_name(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("output_dir: runs/x\nlearning_rat: 0.1\n")
    with pytest.raises(ConfigError, match=r"bad\.yaml: unknown key\(s\): learning_rat"):
        parse_config(load_config(path), str(path))


def test_bad_value_names_the_file(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("normalization: farasa\n")
    with pytest.raises(ConfigError, match="bad.yaml.*farasa"):
        parse_config(load_config(path), str(path))


def test_not_a_mapping_or_missing_file(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n")
    with pytest.raises(ConfigError, match="mapping"):
        load_config(path)
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "missing.yaml")


def test_overrides_are_typed_and_win():
    overrides = parse_overrides(["--num_train_epochs", "1", "--learning_rate=5e-5", "--class_weighting", "false"])
    assert overrides == {"num_train_epochs": 1, "learning_rate": 5e-5, "class_weighting": False}
    config = load_config(Path("configs/tiny.yaml"), overrides)
    _, _, objective_args, training_args = parse_config(config)
    assert training_args.num_train_epochs == 1 and not objective_args.class_weighting


@pytest.mark.parametrize("tokens", [["num_train_epochs", "1"], ["--seed"]])
def test_malformed_overrides(tokens):
    with pytest.raises(ConfigError):
        parse_overrides(tokens)


def test_yaml_no_stays_a_word_for_strategy_keys(tmp_path):
    path = tmp_path / "no.yaml"
    path.write_text("eval_strategy: no\nsave_strategy: no\nload_best_model_at_end: false\n")
    _, _, _, training_args = parse_config(load_config(path), str(path))
    assert training_args.eval_strategy == "no" and training_args.load_best_model_at_end is False


def test_values_take_their_fields_declared_type(tmp_path):
    path = tmp_path / "typed.yaml"
    path.write_text('run_name: "2024"\noutput_dir: 2025\nlearning_rate: 2e-5\nmax_steps: 1e3\nseed: "7"\n'
                    "max_train_samples: 300\n")
    config = load_config(path)
    assert config["run_name"] == "2024" and config["output_dir"] == "2025"
    assert config["learning_rate"] == 2e-5 and config["max_steps"] == 1000 and isinstance(config["max_steps"], int)
    assert config["seed"] == 7 and config["max_train_samples"] == 300
    _, data_args, _, training_args = parse_config(config, str(path))
    assert training_args.run_name == "2024" and training_args.output_dir == "2025"
    assert data_args.max_train_samples == 300
    assert parse_overrides(["--run_name", "2024", "--learning_rate", "3e-5"]) == {"run_name": "2024",
                                                                                   "learning_rate": 3e-5}


def test_pin_memory_is_set_by_device(tmp_path, monkeypatch):
    import torch

    path = tmp_path / "cpu.yaml"
    path.write_text("output_dir: runs/x\n")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert load_config(path)["dataloader_pin_memory"] is False
    *_, training_args = parse_config(load_config(path), str(path))
    assert training_args.dataloader_pin_memory is False
    assert load_config(path, {"dataloader_pin_memory": True})["dataloader_pin_memory"] is True
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda: True)
    assert "dataloader_pin_memory" not in load_config(path)
    assert "dataloader_pin_memory" not in load_config(path, {"use_cpu": False}) and load_config(path)["bf16"]
    assert load_config(path, {"use_cpu": True})["dataloader_pin_memory"] is False
