# bash completion for walsim - installed as
# share/bash-completion/completions/walsim.
#
# Commands, options, scenario keys (after --set and --param), metric names
# (after --metric) and variants (after --variant, from the scenario file on
# the line) are read from walsim's own output (`walsim --help`,
# `walsim CMD --help`, `walsim help keys`, `walsim help metrics`), so they
# follow the installed version; each list is read once per shell.

_walsim_help_list()
{
    # $1: the walsim to ask; $2: what (commands, keys, metrics, options CMD)
    local w=$1
    case $2 in
    commands)
        "$w" --help 2>/dev/null | sed -n 's/^  walsim \([a-z][a-z]*\).*/\1/p' | sort -u ;;
    keys)
        "$w" help keys 2>/dev/null | sed -n 's/^| `\([a-z0-9_]*\)`.*/\1/p' | sort -u ;;
    metrics)
        "$w" help metrics 2>/dev/null | sed -n 's/^| `\([a-z0-9_.]*\)`.*/\1/p' ;;
    options)
        { "$w" "$3" --help 2>/dev/null | sed -n 's/^  \(-[a-zA-Z], \)\{0,1\}\(--[a-z0-9-]*\).*/\2/p'
          echo --help; } | sort -u ;;
    esac
}

_walsim()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev= cmd=${COMP_WORDS[1]:-}
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    local w=${COMP_WORDS[0]}
    [[ $w == */* && -x $w ]] || w=walsim
    COMPREPLY=()

    if ((COMP_CWORD == 1)); then
        [[ -n ${_walsim_commands:-} ]] || _walsim_commands=$(_walsim_help_list "$w" commands)
        COMPREPLY=($(compgen -W "$_walsim_commands --help --version" -- "$cur"))
        return
    fi
    if [[ $cmd == help ]] && ((COMP_CWORD == 2)); then
        [[ -n ${_walsim_commands:-} ]] || _walsim_commands=$(_walsim_help_list "$w" commands)
        COMPREPLY=($(compgen -W "$_walsim_commands keys metrics" -- "$cur"))
        return
    fi

    # --set KEY, --set=KEY (bash splits words at '=': "--set" "=" "KEY")
    local opt=$prev pre=
    if [[ $prev == = ]] && ((COMP_CWORD >= 2)); then
        opt=${COMP_WORDS[COMP_CWORD - 2]}
    elif [[ $cur == --*=* ]]; then
        opt=${cur%%=*}
        pre=$opt=
        cur=${cur#*=}
    fi
    case $opt in
    --set | --param)
        [[ -n ${_walsim_keys:-} ]] || _walsim_keys=$(_walsim_help_list "$w" keys)
        COMPREPLY=($(compgen -W "$_walsim_keys" -P "$pre" -S = -- "$cur"))
        compopt -o nospace 2>/dev/null
        return ;;
    --metric)
        [[ -n ${_walsim_metrics:-} ]] || _walsim_metrics=$(_walsim_help_list "$w" metrics)
        COMPREPLY=($(compgen -W "$_walsim_metrics" -P "$pre" -- "$cur"))
        return ;;
    --format)
        COMPREPLY=($(compgen -W "png svg pdf png,svg png,pdf" -P "$pre" -- "$cur"))
        return ;;
    --out)
        COMPREPLY=($(compgen -d -- "$cur"))
        return ;;
    --variant)
        # The variants of the scenario file on the line (walsim lint lists them).
        local i f=
        for ((i = 2; i < COMP_CWORD; i++)); do
            [[ ${COMP_WORDS[i]} == *.conf && -r ${COMP_WORDS[i]} ]] && f=${COMP_WORDS[i]}
        done
        [[ -n $f ]] && COMPREPLY=($(compgen -W "$("$w" lint "$f" 2>/dev/null |
            sed -n 's/^\[variant \([^]]*\)\].*/\1/p')" -P "$pre" -- "$cur"))
        return ;;
    --seed | --seeds | --jobs | --shard | --transactions | --window | --table | \
        --model | --latency-scale | --fpi-hole)
        return ;;
    esac

    if [[ $cur == -* ]]; then
        local var=_walsim_opts_${cmd//[^a-z]/_}
        [[ -n ${!var:-} ]] || printf -v "$var" '%s' "$(_walsim_help_list "$w" options "$cmd")"
        COMPREPLY=($(compgen -W "${!var}" -- "$cur"))
        return
    fi
    # Scenario files, logs and output folders.
    COMPREPLY=($(compgen -f -- "$cur"))
    compopt -o filenames 2>/dev/null
}

complete -F _walsim walsim
