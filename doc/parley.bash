# bash completion for parley.  Commands and options are read from the tool's
# own --help, so the completion follows the installed version.
_parley()
{
	local cur prev words cword
	_init_completion || return
	local i cmd=""
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		--db) ((i++)) ;;
		-*) ;;
		*) cmd=${words[i]}; break ;;
		esac
	done
	case $prev in
	--db|--out|--password-file|--map) _filedir; return ;;
	--pair) return ;; # two country codes, A-B: nothing to complete from files
	esac
	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W '--db --json --version --help' -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(parley --help 2>/dev/null |
				awk '/^Commands:/{f=1;next} f&&/^  [a-z]/{print $1;next} f{exit}')" -- "$cur"))
		fi
		return
	fi
	# brief's subcommands, from its usage lines ("parley [--db PATH] brief SUB ...")
	if [[ $cmd == brief && $cur != -* && ${words[cword - 1]} == brief ]]; then
		COMPREPLY=($(compgen -W "$(parley brief --help 2>&1 |
			awk '/^ *(usage: )?parley /{for (i = 1; i < NF; i++) if ($i == "brief") {print $(i + 1); break}}' |
			sort -u)" -- "$cur"))
		return
	fi
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(parley "$cmd" --help 2>&1 |
			grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)" -- "$cur"))
		return
	fi
	_filedir
}
complete -F _parley parley
